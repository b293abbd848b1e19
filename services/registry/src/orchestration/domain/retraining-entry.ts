import type {
  BatchArrived,
  DriftDetected,
  Envelope,
  EventType,
  ReadmitEvent,
  TrainingCompleted,
  TrainingFailed,
  TrainingRequested,
} from '@readmit/contracts';
import type { RetrainingSignal } from './retraining-policy';

/** The requester the orchestrator writes into TrainingRequested: how it knows its own requests. */
export const ORCHESTRATOR_REQUESTER = 'orchestrator';

/** A signal that comes from the log; ticks come from the orchestrator's timer instead. */
export type LoggedSignal = Exclude<RetrainingSignal, { readonly type: 'Tick' }>;

/** Where a message sits: replay merges partitions by event time but keeps each one's order. */
export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** One event of ml.batches, ml.drift or ml.training that matters to one model's retraining. */
export interface RetrainingEntry {
  readonly position: LogPosition;
  readonly signal: LoggedSignal;
  /** The event's envelope: a trigger's becomes the cause of the request it is part of. */
  readonly envelope: Envelope;
  /** Set for a TrainingRequested the orchestrator wrote: the triggers that request covered. */
  readonly ownRequest: { readonly triggeredBy: readonly string[] } | null;
}

/** A decoded event as the serde hands it over. */
export interface DecodedLogEvent {
  readonly eventType: EventType;
  readonly event: ReadmitEvent;
}

/**
 * The policy's view of an event, or null when it does not concern this model's retraining.
 * Batches concern every model (they carry no model name); drift and training only their own.
 * The event time (envelope.occurredAt) is the policy's clock.
 */
export function entryOf(
  decoded: DecodedLogEvent,
  position: LogPosition,
  modelName: string,
): RetrainingEntry | null {
  const entry = (signal: LoggedSignal, ownRequest: RetrainingEntry['ownRequest'] = null) => ({
    position,
    signal,
    envelope: decoded.event.envelope,
    ownRequest,
  });
  const at = decoded.event.envelope.occurredAt;
  // The serde's union is not discriminated by eventType, so each case names its event's type.
  switch (decoded.eventType) {
    case 'BatchArrived': {
      const batch = decoded.event as BatchArrived;
      return entry({ type: 'BatchArrived', eventId: batch.envelope.eventId, at });
    }
    case 'DriftDetected': {
      const drift = decoded.event as DriftDetected;
      if (drift.modelName !== modelName) return null;
      return entry({
        type: 'DriftDetected',
        eventId: drift.envelope.eventId,
        at,
        severity: drift.severity,
      });
    }
    case 'TrainingRequested': {
      const request = decoded.event as TrainingRequested;
      if (request.modelName !== modelName) return null;
      const own =
        request.requestedBy === ORCHESTRATOR_REQUESTER
          ? { triggeredBy: [...request.triggeredBy] }
          : null;
      return entry({ type: 'TrainingRequested', runId: request.runId, at }, own);
    }
    case 'TrainingCompleted': {
      const completed = decoded.event as TrainingCompleted;
      if (completed.modelName !== modelName) return null;
      return entry({ type: 'TrainingCompleted', runId: completed.runId, at });
    }
    case 'TrainingFailed': {
      const failed = decoded.event as TrainingFailed;
      if (failed.modelName !== modelName) return null;
      return entry({
        type: 'TrainingFailed',
        runId: failed.runId,
        at,
        retriable: failed.retriable,
      });
    }
    default:
      return null;
  }
}

/** The eventId of a BatchArrived or DriftDetected (a possible trigger), else null. */
export function triggerIdOf(entry: RetrainingEntry): string | null {
  return entry.signal.type === 'BatchArrived' || entry.signal.type === 'DriftDetected'
    ? entry.signal.eventId
    : null;
}

/** A short name for logs and messages: the event type and its event or run id. */
export function describeEntry(entry: RetrainingEntry): string {
  const signal = entry.signal;
  return 'runId' in signal
    ? `${signal.type} run ${signal.runId}`
    : `${signal.type} ${signal.eventId}`;
}
