import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, deadLetterTopicOf, type PredictionMade } from '@readmit/contracts';
import { promoteSmallModel, publishExampleEncounters } from '../support/champion';
import { eventually, testEndpoints, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, readTopic } from '../support/kafka';
import { startFixture } from '../support/processes';

/** Far longer than a restart takes: only static membership can hand the partitions back sooner. */
const SESSION_TIMEOUT_MS = 60_000;

describe('a scorer killed with SIGKILL and restarted at once', () => {
  it('takes its partitions back without waiting out its dead session (static membership), each encounter scored once', async () => {
    const streams = await isolatedEventStreams(
      [
        TOPICS.encounters,
        TOPICS.predictions,
        TOPICS.shadowPredictions,
        TOPICS.models,
        deadLetterTopicOf(TOPICS.encounters),
      ],
      ['EncounterRecorded', 'PredictionMade', 'ModelPromoted'],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-handover-'));
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    const group = uniqueName('scoring');
    const env = {
      BROKERS: kafkaBrokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: streams.prefix,
      ARTIFACTS: root,
      GROUP: group,
      TRANSACTIONAL_ID: `${group}-0`,
      GROUP_INSTANCE_ID: `${group}-0`,
      SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      BATCH: '100',
    };
    const predictions: Array<{ id: PredictionMade['encounter_id']; writtenAt: number }> = [];
    let scorer: ChildProcess | undefined;
    try {
      await promoteSmallModel(streams.publisher, root);
      await publishExampleEncounters(streams.publisher, 1, 2_000);
      scorer = startFixture('scoring-process', env);
      const topic = physical(TOPICS.predictions, streams.prefix);
      const before = await readTopic(streams.kafka, topic, { count: 2_000, timeoutMs: 120_000 });
      expect(before).toHaveLength(2_000);

      const exited = new Promise((resolve) => scorer?.once('exit', resolve));
      scorer.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      scorer = startFixture('scoring-process', env);
      await publishExampleEncounters(streams.publisher, 2_001, 2_000);
      const all = await eventually(async () => {
        const read = await readTopic(streams.kafka, topic, { count: 4_000, timeoutMs: 5_000 });
        return read.length >= 4_000 ? read : undefined;
      }, 120_000);
      for (const { message } of all) {
        const prediction = (await streams.serde.decode(message.value)).event as PredictionMade;
        predictions.push({ id: prediction.encounter_id, writtenAt: Number(message.timestamp) });
      }
      const firstAfterKill = Math.min(
        ...predictions.filter((p) => p.writtenAt > killedAt).map((p) => p.writtenAt),
      );
      const gapMs = firstAfterKill - killedAt;
      process.stdout.write(
        `scorer kill -9 + restart: first prediction ${(gapMs / 1000).toFixed(1)} s after the kill (session timeout ${SESSION_TIMEOUT_MS / 1000} s)\n`,
      );
      expect(predictions).toHaveLength(4_000);
      expect(new Set(predictions.map((p) => p.id)).size).toBe(4_000);
      // Dynamic membership would wait out the dead member's 60 s session before rebalancing.
      expect(gapMs).toBeLessThan(SESSION_TIMEOUT_MS / 2);
    } finally {
      scorer?.kill('SIGKILL');
      await streams.publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});
