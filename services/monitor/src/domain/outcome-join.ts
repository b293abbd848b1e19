import type { ReadmissionClass } from '@readmit/contracts';

/** A prediction waiting for its encounter's outcome. */
export interface PendingPrediction {
  readonly modelVersion: string;
  readonly score: number;
  /** Event time of the prediction (epoch ms). */
  readonly time: number;
}

/** A prediction whose outcome is now known. */
export interface LabelledPrediction extends PendingPrediction {
  readonly readmitted: ReadmissionClass;
}

export interface JoinStep {
  /** The pair this event completed, if any. */
  readonly joined: LabelledPrediction | null;
  /** Entries pushed out, unmatched, to keep the join within its bound. */
  readonly evicted: { readonly predictions: number; readonly outcomes: number };
}

const NOTHING_EVICTED = { predictions: 0, outcomes: 0 } as const;

/**
 * Joins OutcomeRecorded to the PredictionMade of the same encounter, whichever comes first.
 * Each side waits in a map bounded to `maxPending` entries; past that the oldest entry is
 * evicted unmatched (and counted), so memory stays bounded when a side never arrives.
 * A pair leaves both maps: a later prediction or outcome of the same encounter waits anew.
 * A newer prediction (or corrected outcome) of a waiting encounter replaces the older one.
 */
export class OutcomeJoin {
  private readonly predictions = new Map<string, PendingPrediction>();
  private readonly outcomes = new Map<string, ReadmissionClass>();

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
    const readmitted = this.outcomes.get(encounterId);
    if (readmitted !== undefined) {
      this.outcomes.delete(encounterId);
      return { joined: { ...prediction, readmitted }, evicted: NOTHING_EVICTED };
    }
    const evicted = waitIn(this.predictions, encounterId, prediction, this.maxPending);
    return { joined: null, evicted: { predictions: evicted, outcomes: 0 } };
  }

  addOutcome(encounterId: string, readmitted: ReadmissionClass): JoinStep {
    const prediction = this.predictions.get(encounterId);
    if (prediction !== undefined) {
      this.predictions.delete(encounterId);
      return { joined: { ...prediction, readmitted }, evicted: NOTHING_EVICTED };
    }
    const evicted = waitIn(this.outcomes, encounterId, readmitted, this.maxPending);
    return { joined: null, evicted: { predictions: 0, outcomes: evicted } };
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
