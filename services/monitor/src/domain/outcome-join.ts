import type { OutcomeDerivation, ReadmissionClass } from '@readmit/contracts';

/** A prediction waiting for its encounter's outcome. */
export interface PendingPrediction {
  readonly modelVersion: string;
  readonly score: number;
  /** Event time of the prediction (epoch ms). */
  readonly time: number;
}

/** An outcome and how it became known: reported by the sender or derived by the labeller. */
export interface KnownOutcome {
  readonly readmitted: ReadmissionClass;
  readonly derivation: OutcomeDerivation;
}

/** A prediction whose outcome is now known. */
export interface LabelledPrediction extends PendingPrediction, KnownOutcome {}

/** A pair made with a derived outcome, now labelled with the reported one that came later. */
export interface CorrectedPair {
  readonly pair: LabelledPrediction;
  /** The derived label it had. */
  readonly derived: ReadmissionClass;
}

export interface JoinStep {
  /** The pair this event completed, if any. */
  readonly joined: LabelledPrediction | null;
  /** The pair this reported outcome corrected, if any. */
  readonly corrected: CorrectedPair | null;
  /** Entries pushed out, unmatched, to keep the join within its bound. */
  readonly evicted: { readonly predictions: number; readonly outcomes: number };
}

const NOTHING_EVICTED = { predictions: 0, outcomes: 0 } as const;
const NOTHING: JoinStep = { joined: null, corrected: null, evicted: NOTHING_EVICTED };

/**
 * Joins OutcomeRecorded to the PredictionMade of the same encounter, whichever comes first.
 * Each side waits in a map bounded to `maxPending` entries; past that the oldest entry is
 * evicted unmatched (and counted), so memory stays bounded when a side never arrives.
 * A pair leaves both maps: a later prediction or outcome of the same encounter waits anew.
 * A newer prediction (or corrected outcome) of a waiting encounter replaces the older one.
 *
 * A reported outcome beats a derived one (the readmission labeller's) whatever their order: a
 * derived outcome never replaces a waiting reported one, and is dropped for an encounter paired
 * with a reported one; a reported outcome for an encounter paired with a derived one corrects
 * that pair. Both are remembered for the latest `maxPending` pairs.
 */
export class OutcomeJoin {
  private readonly predictions = new Map<string, PendingPrediction>();
  private readonly outcomes = new Map<string, KnownOutcome>();
  /** Pairs made with a derived outcome, which a reported one may still correct. */
  private readonly derivedPairs = new Map<string, LabelledPrediction>();
  /** Encounters paired with a reported outcome: a derived one for them comes too late to count. */
  private readonly reportedPairs = new Map<string, true>();

  constructor(private readonly maxPending: number) {
    if (!Number.isInteger(maxPending) || maxPending < 1)
      throw new Error(`the join needs room for at least one entry (got ${maxPending})`);
  }

  get pendingPredictions(): number {
    return this.predictions.size;
  }

  get pendingOutcomes(): number {
    return this.outcomes.size;
  }

  addPrediction(encounterId: string, prediction: PendingPrediction): JoinStep {
    const outcome = this.outcomes.get(encounterId);
    if (outcome !== undefined) {
      this.outcomes.delete(encounterId);
      return this.paired(encounterId, { ...prediction, ...outcome });
    }
    const evicted = waitIn(this.predictions, encounterId, prediction, this.maxPending);
    return { ...NOTHING, evicted: { predictions: evicted, outcomes: 0 } };
  }

  /** An outcome; `derivation` REPORTED unless the labeller derived it. */
  addOutcome(
    encounterId: string,
    readmitted: ReadmissionClass,
    derivation: OutcomeDerivation = 'REPORTED',
  ): JoinStep {
    const outcome: KnownOutcome = { readmitted, derivation };
    if (derivation === 'DERIVED' && this.reportedPairs.has(encounterId)) return NOTHING;
    const derivedPair = this.derivedPairs.get(encounterId);
    if (derivation === 'REPORTED' && derivedPair !== undefined) {
      const pair = { ...derivedPair, ...outcome };
      this.remember(encounterId, pair);
      return { ...NOTHING, corrected: { pair, derived: derivedPair.readmitted } };
    }
    const prediction = this.predictions.get(encounterId);
    if (prediction !== undefined) {
      this.predictions.delete(encounterId);
      return this.paired(encounterId, { ...prediction, ...outcome });
    }
    if (derivation === 'DERIVED' && this.outcomes.get(encounterId)?.derivation === 'REPORTED')
      return NOTHING;
    const evicted = waitIn(this.outcomes, encounterId, outcome, this.maxPending);
    return { ...NOTHING, evicted: { predictions: 0, outcomes: evicted } };
  }

  private paired(encounterId: string, pair: LabelledPrediction): JoinStep {
    this.remember(encounterId, pair);
    return { joined: pair, corrected: null, evicted: NOTHING_EVICTED };
  }

  /** Remembers how the encounter's pair was labelled, for outcomes that come after it. */
  private remember(encounterId: string, pair: LabelledPrediction): void {
    if (pair.derivation === 'DERIVED') {
      waitIn(this.derivedPairs, encounterId, pair, this.maxPending);
      return;
    }
    this.derivedPairs.delete(encounterId);
    waitIn(this.reportedPairs, encounterId, true, this.maxPending);
  }
}

/** Puts an entry at the young end of the map and evicts from the old end; returns how many. */
function waitIn<V>(pending: Map<string, V>, key: string, value: V, maxPending: number): number {
  // Delete first: re-setting a key keeps its old place, and a replaced entry is young again.
  pending.delete(key);
  pending.set(key, value);
  let evicted = 0;
  while (pending.size > maxPending) {
    const oldest = pending.keys().next().value as string;
    pending.delete(oldest);
    evicted += 1;
  }
  return evicted;
}
