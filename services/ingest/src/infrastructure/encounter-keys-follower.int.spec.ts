import {
  EXAMPLE_EVENTS,
  TOPICS,
  type OutcomeDerivation,
  type ReadmissionClass,
} from '@readmit/contracts';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import { newEnvelope } from '@readmit/platform/kafka';
import type { DataSource } from 'typeorm';
import { labelledEncounters } from '../../../../test/support/encounters';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  quietLogger,
} from '../../../../test/support/kafka';
import { EncounterKeysFollower } from './encounter-keys-follower';
import { ensureIngestTables, type IngestTables } from './postgres/ingest-tables';
import { encounterPseudonym } from '../../../../test/support/pseudonyms';

describe('EncounterKeysFollower (patient.encounters and patient.outcomes → ingest_encounter_keys)', () => {
  const schema = uniqueName('ingest_keys').replace(/-/g, '_');
  let dataSource: DataSource;
  let tables: IngestTables;

  beforeAll(async () => {
    const url = testEndpoints().databaseUrl;
    assertTestDatabase(url);
    dataSource = createDataSource({ url, schema });
    await dataSource.initialize();
    tables = await ensureIngestTables(dataSource);
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  const keys = async () =>
    (await dataSource.query(
      `SELECT count(*)::int AS all, count(*) FILTER (WHERE recorded)::int AS recorded,
              count(outcome)::int AS labelled
       FROM ${tables.keys}`,
    )) as Array<{ all: number; recorded: number; labelled: number }>;

  it('has every key that was on the log at its start once it says it caught up, and keeps learning', async () => {
    const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes],
      ['EncounterRecorded', 'OutcomeRecorded'],
    );
    const backlog = 10_000;
    for (let from = 1; from <= backlog; from += 2_000)
      await publisher.publishAll(labelledEncounters(from, 2_000));
    // Bytes no serde reads: learned from nothing, and never a reason to stop.
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: physical(TOPICS.encounters, prefix),
      messages: [{ key: 'x', value: Buffer.from('not avro') }],
    });
    // An encounter written to the outcomes topic published nothing: its key is not learned, or
    // a later upload of that encounter would be refused as already known.
    const misroutedId = 999_999;
    await raw.send({
      topic: physical(TOPICS.outcomes, prefix),
      messages: [
        {
          key: String(misroutedId),
          value: serde.encode('EncounterRecorded', exampleEncounter(misroutedId)),
        },
      ],
    });
    await raw.disconnect();

    const options = { groupId: uniqueName('keys'), topicPrefix: prefix };
    const follower = new EncounterKeysFollower(
      kafka,
      serde,
      dataSource,
      metrics,
      quietLogger,
      options,
    );
    try {
      await follower.start();
      expect(await follower.whenCaughtUp(60_000)).toBe(true);
      // No polling here: "caught up" must mean the backlog is in the table already.
      expect(await keys()).toEqual([{ all: backlog, recorded: backlog, labelled: backlog }]);
      const skipped = await metrics.skipped.get();
      expect(
        skipped.values
          .filter(({ labels }) => labels.group === options.groupId)
          .map(({ labels, value }) => [labels.event_type, value])
          .sort(),
      ).toEqual([
        ['EncounterRecorded', 1],
        ['undecodable', 1],
      ]);

      // Live: a new encounter, and a correction of an outcome (a later recordedAt wins); an
      // outcome the readmission labeller derived later still is no sender's label.
      await publisher.publishAll(labelledEncounters(backlog + 1, 1));
      const outcome3 = (
        readmitted: ReadmissionClass,
        derivation: OutcomeDerivation,
        at: number,
      ) => ({
        eventType: 'OutcomeRecorded' as const,
        key: encounterPseudonym(3),
        event: {
          ...EXAMPLE_EVENTS.OutcomeRecorded,
          envelope: newEnvelope('OutcomeRecorded', { producer: 'test' }),
          encounter_id: encounterPseudonym(3),
          readmitted,
          recordedAt: EXAMPLE_EVENTS.OutcomeRecorded.recordedAt + at,
          derivation,
        },
      });
      await publisher.publishAll([
        outcome3('WITHIN_30_DAYS', 'REPORTED', 1_000),
        outcome3('NO', 'DERIVED', 2_000),
      ]);
      await eventually(async () => {
        const rows = (await dataSource.query(
          `SELECT encounter_id, outcome FROM ${tables.keys} WHERE encounter_id IN ($1, $2)`,
          [encounterPseudonym(3), encounterPseudonym(backlog + 1)],
        )) as Array<{ encounter_id: string; outcome: string }>;
        const corrected = rows.find((row) => row.encounter_id === encounterPseudonym(3));
        return rows.length === 2 && corrected?.outcome === 'WITHIN_30_DAYS' ? true : undefined;
      }, 30_000);
    } finally {
      await follower.stop();
    }

    // A restart goes on from the group's offsets: caught up at once, nothing read twice.
    const again = new EncounterKeysFollower(
      kafka,
      serde,
      dataSource,
      metrics,
      quietLogger,
      options,
    );
    try {
      await again.start();
      expect(await again.whenCaughtUp(30_000)).toBe(true);
      expect(await keys()).toEqual([
        { all: backlog + 1, recorded: backlog + 1, labelled: backlog + 1 },
      ]);
      // Everything read by now: the derived outcome did not replace the sender's.
      expect(
        await dataSource.query(`SELECT outcome FROM ${tables.keys} WHERE encounter_id = $1`, [
          encounterPseudonym(3),
        ]),
      ).toEqual([{ outcome: 'WITHIN_30_DAYS' }]);
    } finally {
      await again.stop();
      await publisher.disconnect();
    }
  });
});
