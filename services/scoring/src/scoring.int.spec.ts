import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  RPC_TOPICS,
  TOPICS,
  deadLetterTopicOf,
  type PredictionMade,
} from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { environmentScoped, newEnvelope } from '@readmit/platform/kafka';
import {
  FileSystemObjectStore,
  ModelArtifactStore,
  type StoredArtifact,
} from '@readmit/platform/storage';
import request from 'supertest';
import { smallModelArtifact } from '../../../test/support/artifacts';
import { eventually, testEndpoints, uniqueName } from '../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  watchEvents,
} from '../../../test/support/kafka';
import { startFixture } from '../../../test/support/processes';
import { scoringEnvSchema } from './scoring.config';
import { ScoringModule } from './scoring.module';
import { idOfPseudonym } from '../../../test/support/pseudonyms';

const MODEL = 'readmission';

/** Topics, a publisher, an artifact store and watchers of both prediction topics. */
async function scoringFixture() {
  const streams = await isolatedEventStreams(
    [
      TOPICS.encounters,
      TOPICS.predictions,
      TOPICS.shadowPredictions,
      TOPICS.models,
      deadLetterTopicOf(TOPICS.encounters),
      RPC_TOPICS.scoringRequests,
      RPC_TOPICS.scoringReplies,
    ],
    ['EncounterRecorded', 'PredictionMade', 'ModelPromoted', 'ChallengerAssigned'],
  );
  const root = mkdtempSync(join(tmpdir(), 'readmit-scoring-'));
  const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
  const predictions = await watchEvents<PredictionMade>(
    streams.kafka,
    streams.serde,
    physical(TOPICS.predictions, streams.prefix),
  );
  const shadow = await watchEvents<PredictionMade>(
    streams.kafka,
    streams.serde,
    physical(TOPICS.shadowPredictions, streams.prefix),
  );
  const store = (version: string, threshold = 0.3) =>
    artifacts.save(MODEL, version, smallModelArtifact(MODEL, version, threshold));
  const promote = (
    version: string,
    previousVersion: string | null,
    stored: Pick<StoredArtifact, 'uri' | 'sha256'>,
    threshold = 0.3,
  ) =>
    streams.publisher.publish('ModelPromoted', MODEL, {
      ...EXAMPLE_EVENTS.ModelPromoted,
      envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
      modelName: MODEL,
      version,
      previousVersion,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      threshold,
    });
  const challenge = (version: string, stored: StoredArtifact) =>
    streams.publisher.publish('ChallengerAssigned', MODEL, {
      ...EXAMPLE_EVENTS.ChallengerAssigned,
      envelope: newEnvelope('ChallengerAssigned', { producer: 'test' }),
      modelName: MODEL,
      version,
      previousChallenger: null,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      threshold: 0.3,
    });
  const publishEncounters = async (from: number, count: number) => {
    for (let start = from; start < from + count; start += 500) {
      const ids = Array.from({ length: Math.min(500, from + count - start) }, (_, i) => start + i);
      await streams.publisher.publishAll(
        ids.map((id) => ({
          eventType: 'EncounterRecorded' as const,
          key: String(id),
          event: exampleEncounter(id),
        })),
      );
    }
  };
  return {
    ...streams,
    root,
    predictions: predictions.events,
    shadow: shadow.events,
    store,
    promote,
    challenge,
    publishEncounters,
    close: async () => {
      await predictions.stop();
      await shadow.stop();
      await streams.publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const distinct = (predictions: readonly PredictionMade[]) =>
  new Set(predictions.map((prediction) => prediction.encounter_id)).size;

describe('stream scoring: exactly once through a crash', () => {
  it('killed with SIGKILL while 10,000 encounters stream in and restarted: one prediction per encounter', async () => {
    const fixture = await scoringFixture();
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    const env = {
      BROKERS: kafkaBrokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: fixture.prefix,
      ARTIFACTS: fixture.root,
      GROUP: uniqueName('scoring'),
      TRANSACTIONAL_ID: uniqueName('scoring-0'),
      BATCH: '100',
    };
    let scorer: ChildProcess | undefined;
    try {
      await fixture.promote('v1', null, await fixture.store('v1'));
      scorer = startFixture('scoring-process', env);
      // Encounters keep arriving, 500 every 100 ms, while the scorer is killed and restarted.
      let streaming = true;
      const stream = (async () => {
        for (let from = 1; from <= 10_000 && streaming; from += 500) {
          await fixture.publishEncounters(from, 500);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await eventually(
        async () => (fixture.predictions.length >= 2_000 ? true : undefined),
        90_000,
        20,
      );
      const exited = new Promise((resolve) => scorer?.once('exit', resolve));
      scorer.kill('SIGKILL');
      await exited;
      const atKill = fixture.predictions.length;
      scorer = startFixture('scoring-process', env);
      await stream;
      streaming = false;
      await eventually(
        async () => (fixture.predictions.length >= 10_000 ? true : undefined),
        120_000,
      );
      // Give any duplicate time to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(atKill).toBeLessThan(10_000);
      expect(fixture.predictions).toHaveLength(10_000);
      expect(distinct(fixture.predictions)).toBe(10_000);
      expect(new Set(fixture.predictions.map((prediction) => prediction.modelVersion))).toEqual(
        new Set(['v1']),
      );
      const [first] = fixture.predictions;
      expect(first.score).toBeGreaterThan(0);
      expect(first.score).toBeLessThan(1);
      expect(first.label).toBe(first.score >= 0.3);
      expect(first.sourceTopic).toBe(physical(TOPICS.encounters, fixture.prefix));
    } finally {
      scorer?.kill('SIGKILL');
      await fixture.close();
    }
  });
});

describe('stream scoring: horizontal scale', () => {
  it('shares the partitions between two instances of one group, each encounter scored once', async () => {
    const fixture = await scoringFixture();
    const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
    const group = uniqueName('scoring');
    const instance = (index: number) =>
      startFixture('scoring-process', {
        BROKERS: kafkaBrokers.join(','),
        REGISTRY_URL: schemaRegistryUrl,
        PREFIX: fixture.prefix,
        ARTIFACTS: fixture.root,
        GROUP: group,
        TRANSACTIONAL_ID: `${group}-${index}`,
        PRODUCER: `scoring-${index}`,
        BATCH: '100',
      });
    const scorers = [instance(0), instance(1)];
    try {
      await fixture.promote('v1', null, await fixture.store('v1'));
      // Both join before the stream starts, so both get partitions.
      const admin = fixture.kafka.admin();
      await admin.connect();
      try {
        await eventually(
          async () => {
            const [description] = (
              await admin.describeGroups([environmentScoped(fixture.prefix, group)])
            ).groups;
            return description.state === 'Stable' && description.members.length === 2
              ? true
              : undefined;
          },
          60_000,
          250,
        );
      } finally {
        await admin.disconnect();
      }
      await fixture.publishEncounters(1, 6_000);
      await eventually(
        async () => (fixture.predictions.length >= 6_000 ? true : undefined),
        90_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(fixture.predictions).toHaveLength(6_000);
      expect(distinct(fixture.predictions)).toBe(6_000);
      const byInstance = new Map<string, Set<number>>();
      for (const prediction of fixture.predictions) {
        const partitions = byInstance.get(prediction.envelope.producer) ?? new Set<number>();
        partitions.add(prediction.sourcePartition);
        byInstance.set(prediction.envelope.producer, partitions);
      }
      expect([...byInstance.keys()].sort()).toEqual(['scoring-0', 'scoring-1']);
      // Each encounter record was scored once, whichever instance held its partition.
      const positions = fixture.predictions.map(
        (prediction) => `${prediction.sourcePartition}:${prediction.sourceOffset}`,
      );
      expect(new Set(positions).size).toBe(6_000);
    } finally {
      for (const scorer of scorers) scorer.kill('SIGKILL');
      await fixture.close();
    }
  });
});

describe('the scoring service: waiting for a model, hot swaps, refused artifacts, shadow', () => {
  let fixture: Awaited<ReturnType<typeof scoringFixture>>;
  let app: INestApplication;

  beforeAll(async () => {
    fixture = await scoringFixture();
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    app = await createService(
      { name: 'scoring', envSchema: scoringEnvSchema, module: ScoringModule },
      {
        READMIT_HTTP_PORT: '0',
        READMIT_LOG_LEVEL: 'fatal',
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_TOPIC_PREFIX: fixture.prefix,
        READMIT_OBJECT_STORE_ROOT: fixture.root,
        READMIT_INSTANCE_ID: uniqueName('scoring'),
        READMIT_SCORING_BATCH: '100',
      },
    );
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
  });

  it('holds encounters until a champion exists, then scores every one of them', async () => {
    await fixture.publishEncounters(1, 1_000);
    const notReady = await request(app.getHttpServer()).get('/ready').expect(503);
    expect(JSON.stringify(notReady.body)).toContain('no champion of readmission yet');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(fixture.predictions).toHaveLength(0);

    await fixture.promote('v1', null, await fixture.store('v1'));
    await eventually(async () => (fixture.predictions.length >= 1_000 ? true : undefined), 60_000);
    expect(distinct(fixture.predictions)).toBe(1_000);
    expect(fixture.predictions.every((prediction) => prediction.modelVersion === 'v1')).toBe(true);
    await request(app.getHttpServer()).get('/ready').expect(200);
  });

  it('refuses an artifact that does not verify and keeps scoring with the model it has', async () => {
    const good = await fixture.store('v-bad');
    await fixture.promote('v-bad', 'v1', { uri: good.uri, sha256: 'f'.repeat(64) });
    await fixture.publishEncounters(1_001, 1_000);
    await eventually(async () => (fixture.predictions.length >= 2_000 ? true : undefined), 60_000);
    expect(distinct(fixture.predictions)).toBe(2_000);
    expect(fixture.predictions.every((prediction) => prediction.modelVersion === 'v1')).toBe(true);
    const { text } = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(text).toMatch(
      /^readmit_scoring_model_loads_total\{outcome="refused",service="scoring"\} 1$/m,
    );
    expect(text).toMatch(
      /^readmit_scoring_serving\{role="champion",version="v1",service="scoring"\} 1$/m,
    );
  });

  it('scores a challenger in shadow, and switches version mid-stream on promotion with nothing lost or doubled', async () => {
    const v2 = await fixture.store('v2', 0.5);
    await fixture.challenge('v2', v2);
    // One encounter at a time until the challenger serves and shadow predictions appear.
    let next = 2_001;
    await eventually(
      async () => {
        await fixture.publishEncounters(next++, 1);
        return fixture.shadow.length > 0 ? true : undefined;
      },
      60_000,
      200,
    );
    const before = 2_000 + (next - 2_001);
    await eventually(async () => (fixture.predictions.length >= before ? true : undefined), 60_000);

    const stream = fixture.publishEncounters(5_001, 4_000);
    await eventually(
      async () => (fixture.predictions.length >= before + 1_000 ? true : undefined),
      60_000,
      20,
    );
    // The registry's promotion of the challenger, decided against the pointer it holds (v-bad).
    await fixture.promote('v2', 'v-bad', v2, 0.5);
    await stream;
    const total = before + 4_000;
    await eventually(async () => (fixture.predictions.length >= total ? true : undefined), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(fixture.predictions).toHaveLength(total);
    expect(distinct(fixture.predictions)).toBe(total);

    const streamed = fixture.predictions.filter(
      (prediction) => idOfPseudonym(prediction.encounter_id) > 5_000,
    );
    const versions = streamed.map((prediction) => prediction.modelVersion);
    expect(versions).toContain('v1');
    expect(versions).toContain('v2');
    // Per partition, once v2 scores, v1 never scores again.
    for (let partition = 0; partition < TOPICS.encounters.partitions; partition++) {
      const ordered = streamed
        .filter((prediction) => prediction.sourcePartition === partition)
        .sort((a, b) => a.sourceOffset - b.sourceOffset)
        .map((prediction) => prediction.modelVersion);
      const firstV2 = ordered.indexOf('v2');
      if (firstV2 >= 0)
        expect(ordered.slice(firstV2).every((version) => version === 'v2')).toBe(true);
    }
    // Each prediction carries its own model's threshold.
    expect(
      streamed
        .filter((prediction) => prediction.modelVersion === 'v2')
        .every((p) => p.threshold === 0.5),
    ).toBe(true);
    // Shadow predictions were made by the challenger only, for encounters the champion also scored.
    expect(fixture.shadow.every((prediction) => prediction.modelVersion === 'v2')).toBe(true);
    const scored = new Set(fixture.predictions.map((prediction) => prediction.encounter_id));
    expect(fixture.shadow.every((prediction) => scored.has(prediction.encounter_id))).toBe(true);
  });
});
