import { TOPICS, type EncounterRecorded, type OutcomeRecorded } from '@readmit/contracts';
import { isolatedEventStreams, physical } from '../../../../test/support/kafka';
import { invalidEncounters, labelledEncounters } from '../../../../test/support/encounters';
import { assembleTrainingSet } from '../domain/training-set';
import { readTrainingLog } from './training-log';
import { encounterPseudonym, idOfPseudonym } from '../../../../test/support/pseudonyms';

describe('readTrainingLog on the real broker', () => {
  it('reads every encounter and outcome to the end of the log, with offset ranges as lineage', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes],
      ['EncounterRecorded', 'OutcomeRecorded'],
    );
    await publisher.publishAll(labelledEncounters(1, 300));
    // Encounters without outcomes yet: unlabelled in the training set.
    await publisher.publishAll(
      labelledEncounters(301, 20).filter((event) => event.eventType === 'EncounterRecorded'),
    );
    await publisher.disconnect();

    const log = await readTrainingLog(kafka, serde, prefix);
    expect(log.encounters).toHaveLength(320);
    expect(log.outcomes).toHaveLength(300);
    expect(log.undecodable).toBe(0);
    expect(log.invalid).toBe(0);
    const covered = (ranges: typeof log.encounterRanges) =>
      ranges.reduce((sum, range) => sum + range.toOffset - range.fromOffset, 0);
    expect(covered(log.encounterRanges)).toBe(320);
    expect(covered(log.outcomeRanges)).toBe(300);
    expect(log.encounters[0].encounter).not.toHaveProperty('envelope');

    // The example outcomes are recorded on 2026-12-30, the encounters on 2026-11-22.
    const set = assembleTrainingSet(log.encounters, log.outcomes, Date.UTC(2027, 0, 1));
    expect(set.rows).toHaveLength(300);
    expect(set.unlabelled).toBe(20);
    const before = assembleTrainingSet(log.encounters, log.outcomes, Date.UTC(2026, 11, 1));
    expect(before).toEqual({ rows: [], unlabelled: 320, outcomesAfterAsOf: 300, immature: 0 });
  });

  it('leaves encounters that break the field rules out of the dataset, and counts them', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes],
      ['EncounterRecorded', 'OutcomeRecorded'],
    );
    // Labelled encounters 1-40, then 41 and 42 turned invalid: their outcomes are in the log.
    const traffic = labelledEncounters(1, 42);
    const invalid = new Map(invalidEncounters(41).map((event) => [event.encounter_id, event]));
    await publisher.publishAll(
      traffic.map((outgoing) =>
        outgoing.eventType === 'EncounterRecorded' && invalid.has(outgoing.key)
          ? { ...outgoing, event: invalid.get(outgoing.key) as EncounterRecorded }
          : outgoing,
      ),
    );
    await publisher.disconnect();

    const log = await readTrainingLog(kafka, serde, prefix);
    expect(log.encounters).toHaveLength(40);
    expect(log.outcomes).toHaveLength(42);
    expect(log.invalid).toBe(2);
    expect(log.undecodable).toBe(0);
    expect(log.encounters.map(({ encounter }) => encounter.encounter_id)).not.toContain(
      encounterPseudonym(41),
    );

    const set = assembleTrainingSet(log.encounters, log.outcomes, Date.UTC(2027, 0, 1));
    expect(set.rows).toHaveLength(40);
    expect(
      set.rows.map((row) => idOfPseudonym(row.encounter.encounter_id)).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(set.rows.every((row) => row.encounter.time_in_hospital <= 14)).toBe(true);
  });

  it('leaves an outcome written to patient.encounters out of the labels, and counts it', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes],
      ['EncounterRecorded', 'OutcomeRecorded'],
    );
    // Encounters 1-10 with their outcomes, and 11 unlabelled but for an outcome on the wrong topic.
    const traffic = labelledEncounters(1, 11);
    const misrouted = traffic.filter(
      (outgoing) =>
        outgoing.eventType === 'OutcomeRecorded' && outgoing.key === encounterPseudonym(11),
    );
    await publisher.publishAll(traffic.filter((outgoing) => !misrouted.includes(outgoing)));
    await publisher.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: physical(TOPICS.encounters, prefix),
      messages: misrouted.map(({ key, event }) => ({
        key,
        value: serde.encode('OutcomeRecorded', event as OutcomeRecorded),
      })),
    });
    await producer.disconnect();

    const log = await readTrainingLog(kafka, serde, prefix);
    expect(log.encounters).toHaveLength(11);
    expect(log.outcomes.map(({ encounterId }) => encounterId)).not.toContain(
      encounterPseudonym(11),
    );
    expect(log.outcomes).toHaveLength(10);
    expect(log.misrouted).toBe(1);
    expect(log.undecodable).toBe(0);
    const set = assembleTrainingSet(log.encounters, log.outcomes, Date.UTC(2027, 0, 1));
    expect(set.rows).toHaveLength(10);
    expect(set.unlabelled).toBe(1);
  });
});
