import type {
  ModelImportRequested,
  ReadmissionTask,
  TrainingCompleted,
  TrainingFailed,
  TrainingReason,
  TrainingRequested,
} from '@readmit/contracts';

/** One training run as ml.training tells it: why it was asked for, and how it ended. */
export interface TrainingRun {
  readonly runId: string;
  readonly modelName: string;
  /** IMPORT: a model trained elsewhere, uploaded to be judged (docs/notebook-to-production.md). */
  readonly reason: TrainingReason | 'IMPORT' | null;
  /** eventIds of the BatchArrived / DriftDetected events behind the request. */
  readonly triggeredBy: readonly string[];
  readonly task: ReadmissionTask | null;
  /** The training window: only outcomes known by then entered the training set (epoch ms). */
  readonly asOf: number | null;
  readonly requestedAt: number | null;
  readonly requestedBy: string | null;
  readonly status: 'requested' | 'completed' | 'failed';
  /** The version the run produced, once completed. */
  readonly modelVersion: string | null;
  readonly endedAt: number | null;
  /** Why it failed, once failed. */
  readonly failure: string | null;
}

export type TrainingEvent =
  | { readonly eventType: 'TrainingRequested'; readonly event: TrainingRequested }
  | { readonly eventType: 'ModelImportRequested'; readonly event: ModelImportRequested }
  | { readonly eventType: 'TrainingCompleted'; readonly event: TrainingCompleted }
  | { readonly eventType: 'TrainingFailed'; readonly event: TrainingFailed };

const blank = (runId: string, modelName: string): TrainingRun => ({
  runId,
  modelName,
  reason: null,
  triggeredBy: [],
  task: null,
  asOf: null,
  requestedAt: null,
  requestedBy: null,
  status: 'requested',
  modelVersion: null,
  endedAt: null,
  failure: null,
});

/**
 * Folds one ml.training event into its run. The topic has several partitions, so a run's end
 * may be read before its request: each event fills only its own fields.
 */
export function evolveRun(run: TrainingRun | undefined, input: TrainingEvent): TrainingRun {
  const current = run ?? blank(input.event.runId, input.event.modelName);
  switch (input.eventType) {
    case 'TrainingRequested':
      return {
        ...current,
        reason: input.event.reason,
        triggeredBy: input.event.triggeredBy,
        task: input.event.task,
        asOf: input.event.asOf,
        requestedAt: input.event.envelope.occurredAt,
        requestedBy: input.event.requestedBy,
      };
    case 'ModelImportRequested':
      return {
        ...current,
        reason: 'IMPORT',
        task: input.event.task,
        asOf: input.event.asOf,
        requestedAt: input.event.envelope.occurredAt,
        requestedBy: input.event.requestedBy,
      };
    case 'TrainingCompleted':
      return {
        ...current,
        status: 'completed',
        modelVersion: input.event.modelVersion,
        endedAt: input.event.envelope.occurredAt,
      };
    case 'TrainingFailed':
      return {
        ...current,
        status: 'failed',
        endedAt: input.event.envelope.occurredAt,
        failure: `${input.event.stage}: ${input.event.reason}`,
      };
    default: {
      const unexpected: never = input;
      throw new Error(`unexpected training event ${JSON.stringify(unexpected)}`);
    }
  }
}
