import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  EXAMPLE_EVENTS,
  RPC_TOPICS,
  TOPICS,
  type EncounterToScore,
  type PredictionMade,
} from '@readmit/contracts';
import { environmentScoped } from '@readmit/platform/kafka';
import { promoteSmallModel } from '../support/champion';
import { eventually, testEndpoints, uniqueName } from '../support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../support/kafka';
import { SCORING_TOPICS, startScoringService } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { ScoringClient } from '../../services/gateway/src/infrastructure/scoring-client';
import { encounterPseudonym } from '../support/pseudonyms';

const MODEL = 'readmission';
const { envelope: _e, recordedAt: _r, source: _s, ...example } = EXAMPLE_EVENTS.EncounterRecorded;
/** Encounter `id` as the gateway sends it: its ids pseudonymised. */
const encounter = (id: number): EncounterToScore => ({
  ...example,
  encounter_id: encounterPseudonym(id),
  time_in_hospital: (id % 14) + 1,
  number_inpatient: id % 4,
});

describe('synchronous predictions over Kafka request-reply (@nestjs/microservices)', () => {
  const scorers: INestApplication[] = [];
  const clients: ScoringClient[] = [];
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;

  const startScoring = async () => {
    const app = await startScoringService(services, root);
    scorers.push(app);
    return app;
  };
  const startClient = async () => {
    const client = new ScoringClient({
      brokers: testEndpoints().kafkaBrokers,
      clientId: uniqueName('gateway'),
      topicPrefix: streams.prefix,
      instanceId: uniqueName('gateway'),
      timeoutMs: 15_000,
    });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    streams = await isolatedEventStreams(SCORING_TOPICS, ['PredictionMade', 'ModelPromoted']);
    root = mkdtempSync(join(tmpdir(), 'readmit-rpc-'));
    services = new ServiceStarter({ prefix: streams.prefix });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await services?.stopAll();
    await streams?.publisher.disconnect();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers unavailable before a champion, then scores, explains and publishes each prediction as an event', async () => {
    await startScoring();
    const client = await startClient();
    // The server's group joins in the background; until then requests may go unanswered.
    const early = await eventually(
      async () => {
        try {
          return await client.predict({ encounters: [encounter(1)], explain: false });
        } catch {
          return undefined;
        }
      },
      60_000,
      500,
    );
    expect(early).toEqual({
      ok: false,
      error: 'unavailable',
      message: 'no champion model is serving yet',
    });

    await promoteSmallModel(streams.publisher, root);
    const events = await watchEvents<PredictionMade>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.predictions, streams.prefix),
    );
    try {
      const reply = await eventually(
        async () => {
          const answer = await client.predict(
            { encounters: [encounter(2), encounter(3)], explain: true },
            'request-explained',
          );
          return answer.ok ? answer : undefined;
        },
        60_000,
        250,
      );
      expect(reply).toMatchObject({ ok: true, modelName: MODEL, modelVersion: 'v1' });
      expect(reply.predictions.map((prediction) => prediction.encounter_id)).toEqual(
        [2, 3].map((id) => encounterPseudonym(id)),
      );
      for (const prediction of reply.predictions) {
        expect(prediction.score).toBeGreaterThan(0);
        expect(prediction.score).toBeLessThan(1);
        expect(prediction.label).toBe(prediction.score >= 0.3);
        expect(prediction.contributions?.length).toBeGreaterThan(0);
        expect(prediction.contributions?.length).toBeLessThanOrEqual(5);
      }
      const plain = await client.predict({ encounters: [encounter(4)], explain: false });
      expect(plain.ok && plain.predictions[0].contributions).toBeNull();

      await eventually(async () => (events.events.length >= 3 ? true : undefined), 30_000);
      const explained = events.events.filter(
        (event) => event.envelope.correlationId === 'request-explained',
      );
      expect(explained.map((event) => event.encounter_id).sort()).toEqual(
        [2, 3].map((id) => encounterPseudonym(id)).sort(),
      );
      expect(explained[0]).toMatchObject({
        modelVersion: 'v1',
        sourceTopic: physical(RPC_TOPICS.scoringRequests, streams.prefix),
      });
      expect(explained[0].contributions?.length).toBeGreaterThan(0);
    } finally {
      await events.stop();
    }
  });

  it('keeps answering with two gateways and two scoring instances, through a rebalance as one scorer leaves', async () => {
    await startScoring();
    const second = await startClient();
    const [first] = clients;
    let id = 1_000;
    const ask = (client: ScoringClient) =>
      client.predict({ encounters: [encounter(id++)], explain: false }).then((reply) => reply.ok);
    // Warm: both scorers and both gateways answer.
    await eventually(async () => ((await ask(second)) ? true : undefined), 60_000, 250);

    const rounds: Array<Promise<boolean[]>> = [];
    for (let round = 0; round < 20; round++) {
      rounds.push(Promise.all([ask(first), ask(second), ask(first), ask(second)]));
      if (round === 10) {
        // A third gateway joins: it reads replies in a group of its own, so nobody rebalances.
        const third = await startClient();
        rounds.push(Promise.all([ask(third), ask(third)]));
      }
      if (round === 5) {
        // The first scoring instance leaves: its request partitions move to the other.
        const leaving = scorers.shift() as INestApplication;
        rounds.push(services.stop(leaving).then(() => []));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = (await Promise.all(rounds)).flat();
    expect(answers).toHaveLength(82);
    expect(answers.every(Boolean)).toBe(true);
  });

  it('commits how far the requests were answered (on a timer, off the fetch path), so a new owner does not answer them again', async () => {
    const admin = streams.kafka.admin();
    await admin.connect();
    try {
      const topic = physical(RPC_TOPICS.scoringRequests, streams.prefix);
      const groupId = environmentScoped(streams.prefix, 'readmit-scoring-rpc');
      const ends = new Map(
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, high]),
      );
      expect([...ends.values()].some((high) => Number(high) > 0)).toBe(true);
      const committed = await eventually(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const atEnd = offsets.partitions.every(
            ({ partition, offset }) =>
              ends.get(partition) === '0' || offset === ends.get(partition),
          );
          return atEnd ? offsets.partitions : undefined;
        },
        15_000,
        250,
      );
      expect(committed).toHaveLength(RPC_TOPICS.scoringRequests.partitions);
    } finally {
      await admin.disconnect();
    }
  });
});
