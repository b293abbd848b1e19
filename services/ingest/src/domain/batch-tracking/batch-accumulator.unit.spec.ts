import { EXAMPLE_EVENTS, type OutcomeRecorded } from '@readmit/contracts';
import { BatchAccumulator, type BatchPolicy } from './batch-accumulator';

const policy: BatchPolicy = { labelsPerBatch: 3, windowMs: 60_000 };
/** Encounters are keyed by pseudonyms: opaque text to the batch. */
const encounter = (id: number, time_in_hospital: number, age: string, at = 0) => ({
  ...EXAMPLE_EVENTS.EncounterRecorded,
  encounter_id: `enc_${id}`,
  time_in_hospital,
  age,
  recordedAt: at,
});
const outcome = (
  id: number,
  readmitted: OutcomeRecorded['readmitted'],
  at = 0,
): OutcomeRecorded => ({
  ...EXAMPLE_EVENTS.OutcomeRecorded,
  encounter_id: `enc_${id}`,
  readmitted,
  recordedAt: at,
});
const at = (topic: string, partition: number, offset: number) => ({ topic, partition, offset });

describe('BatchAccumulator', () => {
  it('closes a COUNT batch after the configured number of labels, with ranges, counts and a profile', () => {
    const batch = new BatchAccumulator();
    batch.addEncounter(at('patient.encounters', 0, 10), encounter(1, 2, '[70-80)'));
    batch.addEncounter(at('patient.encounters', 1, 4), encounter(2, 4, '[70-80)'));
    batch.addEncounter(at('patient.encounters', 0, 11), encounter(3, 9, '[50-60)'));
    batch.addOutcome(at('patient.outcomes', 2, 7), outcome(1, 'NO'));
    batch.addOutcome(at('patient.outcomes', 2, 8), outcome(2, 'WITHIN_30_DAYS'));
    expect(batch.due(policy)).toBeNull();
    batch.addOutcome(at('patient.outcomes', 0, 3), outcome(3, 'NO'));
    expect(batch.due(policy)).toBe('COUNT');

    const closed = batch.close(EXAMPLE_EVENTS.BatchArrived.envelope, 'batch-1', 1, 'COUNT');
    expect(closed.encounterRanges).toEqual([
      { topic: 'patient.encounters', partition: 0, fromOffset: 10, toOffset: 12 },
      { topic: 'patient.encounters', partition: 1, fromOffset: 4, toOffset: 5 },
    ]);
    expect(closed.outcomeRanges).toEqual([
      { topic: 'patient.outcomes', partition: 0, fromOffset: 3, toOffset: 4 },
      { topic: 'patient.outcomes', partition: 2, fromOffset: 7, toOffset: 9 },
    ]);
    expect(closed).toMatchObject({
      encounterCount: 3,
      labeledCount: 3,
      labelCounts: { NO: 2, AFTER_30_DAYS: 0, WITHIN_30_DAYS: 1 },
    });
    const stay = closed.profile.find((feature) => feature.feature === 'time_in_hospital');
    expect(stay).toMatchObject({ count: 3, missing: 0, mean: 5, min: 2, max: 9 });
    expect(stay?.stddev).toBeCloseTo(Math.sqrt(13), 10);
    expect(closed.profile.find((feature) => feature.feature === 'age')?.topCategories).toEqual({
      '[70-80)': 2,
      '[50-60)': 1,
    });
    expect(closed.profile.find((feature) => feature.feature === 'weight')).toBeUndefined();
    expect(batch.nextOffsets()).toContainEqual({
      topic: 'patient.outcomes',
      partition: 2,
      offset: 9,
    });
  });

  it('closes a TIME_WINDOW batch once the event-time window has passed, but never an unlabelled one', () => {
    const batch = new BatchAccumulator();
    batch.addEncounter(at('patient.encounters', 0, 0), encounter(1, 3, '[60-70)', 1_000));
    batch.addEncounter(at('patient.encounters', 0, 1), encounter(2, 3, '[60-70)', 90_000));
    expect(batch.due(policy)).toBeNull();
    batch.addOutcome(at('patient.outcomes', 0, 0), outcome(1, 'AFTER_30_DAYS', 95_000));
    expect(batch.due(policy)).toBe('TIME_WINDOW');
    const closed = batch.close(EXAMPLE_EVENTS.BatchArrived.envelope, 'batch-2', 2, 'TIME_WINDOW');
    expect([closed.windowStart, closed.windowEnd]).toEqual([1_000, 95_000]);
  });

  it('covers the offsets of messages it passes over (dead-lettered ones) without counting them', () => {
    const batch = new BatchAccumulator();
    batch.passOver(at('patient.encounters', 0, 0));
    batch.addEncounter(at('patient.encounters', 0, 1), encounter(1, 3, '[60-70)', 5_000));
    batch.passOver(at('patient.encounters', 0, 2));
    batch.passOver(at('patient.outcomes', 1, 7));
    batch.addOutcome(at('patient.outcomes', 2, 3), outcome(1, 'NO', 6_000));
    batch.passOver(at('patient.outcomes', 2, 4));
    // Passed-over messages carry no label and no event time: nothing is due.
    expect(batch.due({ labelsPerBatch: 2, windowMs: 10_000 })).toBeNull();

    const closed = batch.close(EXAMPLE_EVENTS.BatchArrived.envelope, 'batch-3', 3, 'COUNT');
    expect(closed).toMatchObject({
      encounterCount: 1,
      labeledCount: 1,
      windowStart: 5_000,
      windowEnd: 6_000,
      encounterRanges: [{ topic: 'patient.encounters', partition: 0, fromOffset: 0, toOffset: 3 }],
      outcomeRanges: [
        { topic: 'patient.outcomes', partition: 1, fromOffset: 7, toOffset: 8 },
        { topic: 'patient.outcomes', partition: 2, fromOffset: 3, toOffset: 5 },
      ],
    });
    // The offsets committed with the batch move past every one of them.
    expect(batch.nextOffsets()).toEqual(
      expect.arrayContaining([
        { topic: 'patient.encounters', partition: 0, offset: 3 },
        { topic: 'patient.outcomes', partition: 1, offset: 8 },
        { topic: 'patient.outcomes', partition: 2, offset: 5 },
      ]),
    );
    expect(() => batch.passOver(at('patient.encounters', 0, 1))).toThrow(/must come in log order/);
  });

  it('refuses messages out of log order within a partition', () => {
    const batch = new BatchAccumulator();
    batch.addEncounter(at('patient.encounters', 0, 5), encounter(1, 3, '[60-70)'));
    expect(() =>
      batch.addEncounter(at('patient.encounters', 0, 5), encounter(1, 3, '[60-70)')),
    ).toThrow(/must come in log order/);
  });
});
