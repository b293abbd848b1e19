import type { BatchArrived, FeatureProfile, OffsetRange } from '@readmit/contracts';

/** One batch as the batches projection keeps it (ingest_batches): everything BatchArrived says, flat. */
export interface BatchRecord {
  readonly batchId: string;
  readonly sequence: number;
  readonly trigger: BatchArrived['trigger'];
  readonly encounterCount: number;
  readonly labeledCount: number;
  readonly labelCounts: Record<string, number>;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly encounterRanges: OffsetRange[];
  readonly outcomeRanges: OffsetRange[];
  readonly profile: FeatureProfile[];
  /** The BatchArrived event this row comes from. */
  readonly eventId: string;
  readonly arrivedAt: Date;
}

/** The projection's row for a BatchArrived event; a function of the event alone, so replays agree. */
export function batchRecordOf(event: BatchArrived): BatchRecord {
  return {
    batchId: event.batchId,
    sequence: event.sequence,
    trigger: event.trigger,
    encounterCount: event.encounterCount,
    labeledCount: event.labeledCount,
    labelCounts: { ...event.labelCounts },
    windowStart: new Date(event.windowStart),
    windowEnd: new Date(event.windowEnd),
    encounterRanges: event.encounterRanges.map((range) => ({ ...range })),
    outcomeRanges: event.outcomeRanges.map((range) => ({ ...range })),
    profile: event.profile.map((feature) => ({ ...feature })),
    eventId: event.envelope.eventId,
    arrivedAt: new Date(event.envelope.occurredAt),
  };
}

/**
 * The batches read model: a BatchArrived is its batch's row, whatever was there (a batch seen
 * again, a retried write, stays one row).
 */
export function evolveBatchRow(
  _row: BatchRecord | null,
  { event }: { readonly eventType: 'BatchArrived'; readonly event: BatchArrived },
): BatchRecord {
  return batchRecordOf(event);
}
