import type { BackfillCompleted, BackfillProgressed, BackfillRequested } from '@readmit/contracts';

/** An event of ml.backfills. */
export type BackfillEvent =
  | { readonly eventType: 'BackfillRequested'; readonly event: BackfillRequested }
  | { readonly eventType: 'BackfillProgressed'; readonly event: BackfillProgressed }
  | { readonly eventType: 'BackfillCompleted'; readonly event: BackfillCompleted };

const BACKFILL_EVENTS: ReadonlySet<string> = new Set<BackfillEvent['eventType']>([
  'BackfillRequested',
  'BackfillProgressed',
  'BackfillCompleted',
]);

/** The backfill event a decoded ml.backfills message holds, or null for any other type. */
export function asBackfillEvent(decoded: {
  readonly eventType: string;
  readonly event: unknown;
}): BackfillEvent | null {
  // The serde's result is not a discriminated union; the event type names the event's shape.
  return BACKFILL_EVENTS.has(decoded.eventType) ? (decoded as BackfillEvent) : null;
}

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
