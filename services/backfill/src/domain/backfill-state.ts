import type { BackfillCompleted, BackfillProgressed, BackfillRequested } from '@readmit/contracts';

/** An event of ml.backfills. */
export type BackfillEvent =
  | { readonly eventType: 'BackfillRequested'; readonly event: BackfillRequested }
  | { readonly eventType: 'BackfillProgressed'; readonly event: BackfillProgressed }
  | { readonly eventType: 'BackfillCompleted'; readonly event: BackfillCompleted };

/** The event types of ml.backfills. */
export const BACKFILL_EVENT_TYPES = [
  'BackfillRequested',
  'BackfillProgressed',
  'BackfillCompleted',
] as const satisfies readonly BackfillEvent['eventType'][];

/** One backfill as the log tells it. */
export interface Backfill {
  readonly request: BackfillRequested;
  /** The last checkpoint: where a resumed run starts. */
  readonly progress: BackfillProgressed | null;
  /** When its first run started (its first checkpoint's time), or null before any. */
  readonly startedAt: number | null;
  /** Its end: completed, failed, or cancelled (by anyone: a cancellation is this event). */
  readonly completed: BackfillCompleted | null;
}

export type BackfillState = ReadonlyMap<string, Backfill>;

/**
 * Folds one event. A repeated request of a known id changes nothing (a retried publish, or a
 * user asking again); progress and an end without a request are kept out (the request is the
 * stream's first event, on the same partition).
 */
export function evolveBackfills(
  state: BackfillState,
  { eventType, event }: BackfillEvent,
): BackfillState {
  const current = state.get(event.backfillId);
  if (eventType === 'BackfillRequested') {
    if (current) return state;
    return new Map(state).set(event.backfillId, {
      request: event,
      progress: null,
      startedAt: null,
      completed: null,
    });
  }
  if (!current || current.completed) return state;
  const next: Backfill =
    eventType === 'BackfillProgressed'
      ? { ...current, progress: event, startedAt: current.startedAt ?? event.envelope.occurredAt }
      : { ...current, completed: event };
  return new Map(state).set(event.backfillId, next);
}

/** Backfills with a request and no end, in the order they were requested. */
export function unfinishedBackfills(state: BackfillState): Backfill[] {
  return [...state.values()]
    .filter((backfill) => backfill.completed === null)
    .sort((a, b) => a.request.envelope.occurredAt - b.request.envelope.occurredAt);
}
