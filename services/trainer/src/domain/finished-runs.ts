import type { TrainingCompleted, TrainingFailed, TrainingRequested } from '@readmit/contracts';

/** An outcome the trainer published for a run on ml.training. */
export type TrainingOutcome =
  | { readonly eventType: 'TrainingCompleted'; readonly event: TrainingCompleted }
  | { readonly eventType: 'TrainingFailed'; readonly event: TrainingFailed };

/** A run whose outcome is on the log. */
export interface FinishedRun {
  readonly runId: string;
  readonly modelName: string;
  readonly outcome: 'completed' | 'failed';
  /** The version a completed run produced; null for a failed run. */
  readonly modelVersion: string | null;
}

/** Why a request is not trained (the `reason` label of the skip metric). */
export type SkipReason = 'already_done';

/** What the trainer does with a TrainingRequested. */
export type RequestVerdict =
  | { readonly kind: 'train' }
  | { readonly kind: 'skip'; readonly reason: SkipReason; readonly finished: FinishedRun };

const versionKey = (modelName: string, modelVersion: string) =>
  JSON.stringify([modelName, modelVersion]);

/**
 * The runs whose outcome is on ml.training, as a fold of its TrainingCompleted and
 * TrainingFailed events. The first outcome of a run is its outcome: later ones (written by an
 * older trainer that trained a redelivered request again) change nothing.
 */
export class FinishedRuns {
  private readonly byRunId = new Map<string, FinishedRun>();
  /** Completed runs by the version they produced: a version is trained and stored once. */
  private readonly byVersion = new Map<string, FinishedRun>();

  /** Applies one outcome; returns whether it was the first for its run. */
  record(outcome: TrainingOutcome): boolean {
    const { runId, modelName } = outcome.event;
    if (this.byRunId.has(runId)) return false;
    const finished: FinishedRun =
      outcome.eventType === 'TrainingCompleted'
        ? { runId, modelName, outcome: 'completed', modelVersion: outcome.event.modelVersion }
        : { runId, modelName, outcome: 'failed', modelVersion: null };
    this.byRunId.set(runId, finished);
    if (finished.modelVersion !== null) {
      const key = versionKey(modelName, finished.modelVersion);
      if (!this.byVersion.has(key)) this.byVersion.set(key, finished);
    }
    return true;
  }

  /** How many runs have an outcome. */
  get size(): number {
    return this.byRunId.size;
  }

  outcomeOfRun(runId: string): FinishedRun | undefined {
    return this.byRunId.get(runId);
  }

  completedVersion(modelName: string, modelVersion: string): FinishedRun | undefined {
    return this.byVersion.get(versionKey(modelName, modelVersion));
  }
}

/**
 * Whether to train a request: not when its run already has an outcome (completed or failed:
 * whoever reacts to outcomes has reacted to that one, and a retriable failure is retried by a
 * new request, not by this one), nor when the version it would produce is already completed
 * (its artifact is written once; training it again could only fail at the store).
 * `modelVersion` is the version the request produces (modelVersionOf).
 */
export function decideOnRequest(
  request: Pick<TrainingRequested, 'runId' | 'modelName'>,
  modelVersion: string,
  finished: Pick<FinishedRuns, 'outcomeOfRun' | 'completedVersion'>,
): RequestVerdict {
  const done =
    finished.outcomeOfRun(request.runId) ??
    finished.completedVersion(request.modelName, modelVersion);
  return done ? { kind: 'skip', reason: 'already_done', finished: done } : { kind: 'train' };
}
