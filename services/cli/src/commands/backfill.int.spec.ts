import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_EVENTS, TOPICS, type PredictionMade } from '@readmit/contracts';
import { newEnvelope } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { smallModelArtifact } from '../../../../test/support/artifacts';
import { Client } from 'pg';
import { PREDICTION_TABLE } from '@readmit/backfill';
import { eventually, testEndpoints } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  watchEvents,
} from '../../../../test/support/kafka';
import { runReadmit } from '../../../../test/support/processes';

describe('readmit backfill', () => {
  it('re-scores the log in this process with --local, shows progress and prints the end', async () => {
    const streams = await isolatedEventStreams(
      [
        TOPICS.encounters,
        TOPICS.backfillPredictions,
        TOPICS.backfills,
        TOPICS.models,
        TOPICS.training,
      ],
      ['EncounterRecorded', 'PredictionMade', 'ModelPromoted'],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-cli-backfill-'));
    try {
      const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
      const stored = await artifacts.save(
        'readmission',
        'v1',
        smallModelArtifact('readmission', 'v1'),
      );
      await streams.publisher.publish('ModelPromoted', 'readmission', {
        ...EXAMPLE_EVENTS.ModelPromoted,
        envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
        modelName: 'readmission',
        version: 'v1',
        previousVersion: null,
        artifactUri: stored.uri,
        artifactSha256: stored.sha256,
        threshold: 0.3,
      });
      await streams.publisher.publishAll(
        Array.from({ length: 3_000 }, (_, index) => ({
          eventType: 'EncounterRecorded' as const,
          key: String(index + 1),
          event: exampleEncounter(index + 1),
        })),
      );
      const done = runReadmit([
        'backfill',
        '--local',
        '--chunk',
        '500',
        '--max-rate',
        '1500',
        '--artifacts',
        root,
        '--prefix',
        streams.prefix,
      ]);
      expect(done.stderr).toMatch(
        /^backfill backfill-[0-9a-f-]{36}: champion, from the start to now, in this process$/m,
      );
      // Without a terminal, progress is a line per checkpoint at most every 2 s, with an ETA.
      expect(done.stderr).toMatch(/^\d+\/3000 encounters, \d+\/s(, ETA \d+ s)?$/m);
      expect(done.stdout).toMatch(
        /^backfill backfill-[0-9a-f-]{36}: COMPLETED, 3000 predictions by v1 in \d+\.\d s \(\d+ encounters\/s\)$/m,
      );
      expect(done.status).toBe(0);
      const predictions = await watchEvents<PredictionMade>(
        streams.kafka,
        streams.serde,
        physical(TOPICS.backfillPredictions, streams.prefix),
      );
      try {
        await eventually(
          async () => (predictions.events.length >= 3_000 ? true : undefined),
          30_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(new Set(predictions.events.map((p) => p.encounter_id)).size).toBe(3_000);
        expect(predictions.events).toHaveLength(3_000);
      } finally {
        await predictions.stop();
      }

      const unknown = runReadmit([
        'backfill',
        '--local',
        '--model',
        'v404',
        '--artifacts',
        root,
        '--prefix',
        streams.prefix,
      ]);
      expect(unknown.stdout).toMatch(
        /: FAILED, 0 predictions by v404 .*readmission has no version v404/,
      );
      expect(unknown.status).toBe(1);

      // Into the Postgres table instead of the topic.
      const intoTable = runReadmit(
        ['backfill', '--local', '--into', 'table', '--artifacts', root, '--prefix', streams.prefix],
        { database: true },
      );
      expect(intoTable.status).toBe(0);
      const backfillId = /^backfill (backfill-[0-9a-f-]{36}): COMPLETED, 3000 predictions/m.exec(
        intoTable.stdout,
      )?.[1];
      expect(backfillId).toBeDefined();
      const client = new Client({ connectionString: testEndpoints().databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ rows: string; encounters: string }>(
          `SELECT count(*) AS rows, count(DISTINCT encounter_id) AS encounters
           FROM ${PREDICTION_TABLE} WHERE backfill_id = $1`,
          [backfillId],
        );
        expect(rows[0]).toEqual({ rows: '3000', encounters: '3000' });
      } finally {
        await client.end();
      }

      const badTarget = runReadmit(['backfill', '--into', 'warehouse', '--prefix', streams.prefix]);
      expect(badTarget.status).not.toBe(0);
      expect(badTarget.stderr).toContain("'warehouse': write into topic, table, or topic,table");
    } finally {
      await streams.publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
