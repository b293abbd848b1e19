import type { DriftKind, OutcomeDerivation, ReadmissionClass } from '@readmit/contracts';
import { isPositive, type EncounterInput, type ReadmissionTarget } from '@readmit/ml';
import { CountWindow, type CompletedWindow, type WindowSettings } from './count-window';
import { OutcomeJoin, type CorrectedPair, type LabelledPrediction } from './outcome-join';

/** The model whose traffic is windowed: the champion of the monitored model. */
export interface WindowedModel {
  readonly modelName: string;
  readonly version: string;
  /** What its labels mean: outcomes become 0/1 as the trainer made them for this model. */
  readonly target: ReadmissionTarget;
}

/** A labelled prediction as performance metrics read it. */
export interface LabelledScore {
  readonly label: 0 | 1;
  readonly score: number;
}

/** A full window of one kind, collected while `modelVersion` was champion. */
export type DriftWindow =
  | {
      readonly kind: 'DATA';
      readonly modelVersion: string;
      readonly window: CompletedWindow<EncounterInput>;
    }
  | {
      readonly kind: 'PREDICTION';
      readonly modelVersion: string;
      readonly window: CompletedWindow<number>;
    }
  | {
      readonly kind: 'PERFORMANCE';
      readonly modelVersion: string;
      readonly window: CompletedWindow<LabelledScore>;
    };

/** Why an event (or the pair it completed) went into no window. */
export type DropReason = 'no_champion' | 'other_model' | 'other_version';

export interface WindowStep {
  readonly completed: readonly DriftWindow[];
  readonly dropped: DropReason | null;
  /** A domain refusal of the event itself (dead-lettered by the caller). */
  readonly rejected: string | null;
  readonly evicted: { readonly predictions: number; readonly outcomes: number };
}

export interface PredictionInput {
  /** The encounter's pseudonym. */
  readonly encounterId: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly score: number;
  readonly time: number;
}

export interface OutcomeInput {
  /** The encounter's pseudonym. */
  readonly encounterId: string;
  readonly readmitted: ReadmissionClass;
  /** How it became known; absent or null: reported (derived ones give way to it). */
  readonly derivation?: OutcomeDerivation | null;
}

const NONE_EVICTED = { predictions: 0, outcomes: 0 } as const;

/**
 * The monitor's windows for the champion of one model: encounters (data drift), the champion's
 * predictions (prediction drift) and its predictions joined to their outcomes (performance
 * drift). Pure: events and the champion come in, full windows come out. A new champion starts
 * every window afresh, since its reference and its predictions are other ones. The outcome join
 * outlives champion changes: it pairs predictions of any version of the model, and only pairs
 * of the champion are windowed, so an outcome is "unmatched" only when no prediction came.
 */
export class DriftWindows {
  private champion: WindowedModel | null = null;
  private readonly encounters: CountWindow<EncounterInput>;
  private readonly scores: CountWindow<number>;
  private readonly labelled: CountWindow<LabelledScore>;
  private readonly join: OutcomeJoin;
  /** Rows labelled by a derived outcome, by encounter: a reported outcome may correct them. */
  private readonly derivedRows = new Map<string, LabelledScore>();
  private readonly maxDerivedRows: number;

  constructor(
    private readonly modelName: string,
    settings: WindowSettings,
    maxPendingJoin: number,
  ) {
    this.encounters = new CountWindow(settings);
    this.scores = new CountWindow(settings);
    this.labelled = new CountWindow(settings);
    this.join = new OutcomeJoin(maxPendingJoin);
    this.maxDerivedRows = maxPendingJoin;
  }

  get currentChampion(): WindowedModel | null {
    return this.champion;
  }

  /** Rows collected so far, per kind (for logs and readiness). */
  get filling(): Readonly<Record<DriftKind, number>> {
    return {
      DATA: this.encounters.size,
      PREDICTION: this.scores.size,
      PERFORMANCE: this.labelled.size,
    };
  }

  get pendingJoin(): { readonly predictions: number; readonly outcomes: number } {
    return { predictions: this.join.pendingPredictions, outcomes: this.join.pendingOutcomes };
  }

  /** Sets the champion; another version empties every window. Returns whether it changed. */
  setChampion(champion: WindowedModel | null): boolean {
    if (champion !== null && champion.modelName !== this.modelName)
      throw new Error(`these windows monitor ${this.modelName}, not ${champion.modelName}`);
    const changed = champion?.version !== this.champion?.version;
    this.champion = champion;
    if (changed) {
      this.encounters.reset();
      this.scores.reset();
      this.labelled.reset();
      this.derivedRows.clear();
    }
    return changed;
  }

  addEncounter(encounter: EncounterInput, time: number): WindowStep {
    if (!this.champion) return step([], 'no_champion');
    const window = this.encounters.add(encounter, time);
    return step(window ? [{ kind: 'DATA', modelVersion: this.champion.version, window }] : []);
  }

  addPrediction(prediction: PredictionInput): WindowStep {
    if (!(prediction.score >= 0 && prediction.score <= 1))
      return { ...step([]), rejected: 'score is not a probability in [0, 1]' };
    if (prediction.modelName !== this.modelName) return step([], 'other_model');
    const { joined, evicted } = this.join.addPrediction(prediction.encounterId, {
      modelVersion: prediction.modelVersion,
      score: prediction.score,
      time: prediction.time,
    });
    const champion = this.champion;
    if (!champion) return step([], 'no_champion', evicted);
    if (prediction.modelVersion !== champion.version) return step([], 'other_version', evicted);
    const completed: DriftWindow[] = [];
    const window = this.scores.add(prediction.score, prediction.time);
    if (window) completed.push({ kind: 'PREDICTION', modelVersion: champion.version, window });
    if (joined) completed.push(...this.label(prediction.encounterId, joined, champion));
    return step(completed, null, evicted);
  }

  addOutcome(outcome: OutcomeInput): WindowStep {
    const { joined, corrected, evicted } = this.join.addOutcome(
      outcome.encounterId,
      outcome.readmitted,
      outcome.derivation ?? 'REPORTED',
    );
    if (corrected) this.correct(outcome.encounterId, corrected);
    if (!joined) return step([], null, evicted);
    if (!this.champion) return step([], 'no_champion', evicted);
    if (joined.modelVersion !== this.champion.version) return step([], 'other_version', evicted);
    return step(this.label(outcome.encounterId, joined, this.champion), null, evicted);
  }

  private label(
    encounterId: string,
    pair: LabelledPrediction,
    champion: WindowedModel,
  ): DriftWindow[] {
    const row: LabelledScore = {
      label: isPositive(pair.readmitted, champion.target) ? 1 : 0,
      score: pair.score,
    };
    if (pair.derivation === 'DERIVED') {
      // Young again at the end; the oldest goes past the bound, as in the join.
      this.derivedRows.delete(encounterId);
      this.derivedRows.set(encounterId, row);
      if (this.derivedRows.size > this.maxDerivedRows)
        this.derivedRows.delete(this.derivedRows.keys().next().value as string);
    }
    // The prediction's time: performance is that of the predictions made in the window.
    const window = this.labelled.add(row, pair.time);
    return window ? [{ kind: 'PERFORMANCE', modelVersion: champion.version, window }] : [];
  }

  /**
   * A reported outcome came after the derived one its pair was windowed with: the row takes the
   * reported label while the window holds it (windows already assessed stand).
   */
  private correct(encounterId: string, { pair }: CorrectedPair): void {
    const row = this.derivedRows.get(encounterId);
    this.derivedRows.delete(encounterId);
    if (!row || !this.champion || pair.modelVersion !== this.champion.version) return;
    const label = isPositive(pair.readmitted, this.champion.target) ? 1 : 0;
    if (label !== row.label) this.labelled.replace(row, { label, score: row.score });
  }
}

function step(
  completed: DriftWindow[],
  dropped: DropReason | null = null,
  evicted: WindowStep['evicted'] = NONE_EVICTED,
): WindowStep {
  return { completed, dropped, rejected: null, evicted };
}
