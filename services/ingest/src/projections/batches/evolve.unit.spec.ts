import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { batchRecordOf, evolveBatchRow } from './evolve';

describe('batchRecordOf', () => {
  const event = EXAMPLE_EVENTS.BatchArrived;

  it('keeps everything the event says, with times as dates and the event id as lineage', () => {
    const record = batchRecordOf(event);
    expect(record).toMatchObject({
      batchId: event.batchId,
      sequence: event.sequence,
      trigger: event.trigger,
      encounterCount: event.encounterCount,
      labeledCount: event.labeledCount,
      labelCounts: event.labelCounts,
      encounterRanges: event.encounterRanges,
      outcomeRanges: event.outcomeRanges,
      profile: event.profile,
      eventId: event.envelope.eventId,
    });
    expect(record.windowStart.getTime()).toBe(event.windowStart);
    expect(record.windowEnd.getTime()).toBe(event.windowEnd);
    expect(record.arrivedAt.getTime()).toBe(event.envelope.occurredAt);
  });

  it('is a function of the event alone (a replay gives the same row) and shares nothing with it', () => {
    expect(batchRecordOf(event)).toEqual(batchRecordOf(structuredClone(event)));
    const record = batchRecordOf(event);
    expect(record.profile).not.toBe(event.profile);
    expect(record.encounterRanges[0]).not.toBe(event.encounterRanges[0]);
  });
});

describe('evolveBatchRow (the batches read model)', () => {
  const event = EXAMPLE_EVENTS.BatchArrived;
  const arrived = { eventType: 'BatchArrived' as const, event };

  it('BatchArrived: a new batch becomes its row', () => {
    expect(evolveBatchRow(null, arrived)).toEqual(batchRecordOf(event));
  });

  it('BatchArrived again: the row is what the event says, so a batch stays one row', () => {
    const stale = { ...batchRecordOf(event), encounterCount: 0, labelCounts: {} };
    expect(evolveBatchRow(stale, arrived)).toEqual(batchRecordOf(event));
    expect(evolveBatchRow(evolveBatchRow(null, arrived), arrived)).toEqual(batchRecordOf(event));
  });
});
