import type { Envelope, ReadmissionTask, TrainingRequested } from '@readmit/contracts';
import { ORCHESTRATOR_REQUESTER } from './retraining-entry';
import type { RequestDecision } from './retraining-replay';

/** What every request of one orchestrator shares. */
export interface TrainingRequestSettings {
  readonly modelName: string;
  readonly task: ReadmissionTask;
  /** Algorithms to try; empty lets the trainer try all it knows. */
  readonly candidates: readonly string[];
}

/**
 * A run id that is unique and says what it is: `3f9a0c1e-readmission-drift-20260123T101500Z`.
 * The random part leads because the trainer names the model version after the run id's first
 * eight characters (modelVersionOf), so two runs with the same asOf second still differ.
 */
export function runIdFor(
  modelName: string,
  reason: RequestDecision['reason'],
  now: number,
  randomHex: string,
): string {
  if (!/^[0-9a-f]{8}$/.test(randomHex))
    throw new Error(`a run id needs 8 random hex digits (got '${randomHex}')`);
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const why = reason === 'DRIFT_DETECTED' ? 'drift' : 'batches';
  return `${randomHex}-${modelName}-${why}-${stamp}`;
}

/**
 * The cause of a request among its triggers: the oldest whose envelope is known (the signal
 * that started the wait), so the run joins that signal's correlation.
 */
export function causeOf(
  decision: RequestDecision,
  envelopes: ReadonlyMap<string, Envelope>,
): Envelope | null {
  for (const eventId of decision.triggeredBy) {
    const envelope = envelopes.get(eventId);
    if (envelope) return envelope;
  }
  return null;
}

/** The TrainingRequested for a policy's request, trained on what is known now. */
export function trainingRequestOf(
  decision: RequestDecision,
  request: {
    readonly envelope: Envelope;
    readonly runId: string;
    readonly now: number;
    readonly settings: TrainingRequestSettings;
  },
): TrainingRequested {
  return {
    envelope: request.envelope,
    runId: request.runId,
    modelName: request.settings.modelName,
    reason: decision.reason,
    triggeredBy: [...decision.triggeredBy],
    task: request.settings.task,
    asOf: request.now,
    candidates: [...request.settings.candidates],
    requestedBy: ORCHESTRATOR_REQUESTER,
  };
}
