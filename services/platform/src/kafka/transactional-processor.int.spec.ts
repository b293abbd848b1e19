import type { ChildProcess } from 'node:child_process';
import { deadLetterTopicOf, TOPICS, type EncounterRecorded } from '@readmit/contracts';
import { Registry } from 'prom-client';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedCatalog,
  physical,
  quietLogger,
  readTopic,
  testKafka,
} from '../../../../test/support/kafka';
import { startFixture } from '../../../../test/support/processes';
import { DLQ_HEADERS } from './dead-letter';
import { EventPublisher } from './event-publisher';
import { KafkaMetrics } from './kafka-metrics';
import { EventSerde } from './serde/event-serde';
import { TransactionalProcessor } from './transactional-processor';
import { newEnvelope } from './envelope';
import { encounterPseudonym, idOfPseudonym } from '../../../../test/support/pseudonyms';

const { schemaRegistryUrl, kafkaBrokers } = testEndpoints();
const ENCOUNTERS = 3_000;

const startScorer = (env: Record<string, string>) => startFixture('transactional-scorer', env);

/** The scorer's settings for one test: its own group and transactional id, kept across a restart. */
function scorerEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BROKERS: kafkaBrokers.join(','),
    REGISTRY_URL: schemaRegistryUrl,
    PREFIX: prefix,
    GROUP: uniqueName('scorer'),
    TRANSACTIONAL_ID: uniqueName('scorer-0'),
    ...extra,
  };
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Topics for the scorer fixture under a prefix of their own, with a publisher of encounters. */
async function scorerTopology() {
  const kafka = testKafka();
  const prefix = await isolatedCatalog(kafka, [
    TOPICS.encounters,
    TOPICS.predictions,
    deadLetterTopicOf(TOPICS.encounters),
  ]);
  const serde = EventSerde.create(schemaRegistryUrl, { topicPrefix: prefix });
  await serde.register(['EncounterRecorded', 'PredictionMade']);
  const publisher = new EventPublisher(
    kafka,
    serde,
    KafkaMetrics.for(new Registry()),
    quietLogger,
    prefix,
  );
  return { kafka, prefix, serde, publisher };
}

describe('TransactionalProcessor: exactly once through a crash', () => {
  it('killed with SIGKILL mid-stream and restarted, writes each prediction exactly once (read_committed)', async () => {
    const { kafka, prefix, serde, publisher } = await scorerTopology();
    for (let start = 1; start <= ENCOUNTERS; start += 500) {
      const ids = Array.from({ length: 500 }, (_, index) => start + index);
      await publisher.publishAll(
        ids.map((id) => ({
          eventType: 'EncounterRecorded' as const,
          key: String(id),
          event: exampleEncounter(id),
        })),
      );
    }
    await publisher.disconnect();

    // Watch the output as a read_committed consumer for the whole test.
    const seen: number[] = [];
    const watcher = kafka.consumer({ groupId: uniqueName('watcher'), readUncommitted: false });
    await watcher.connect();
    await watcher.subscribe({ topic: physical(TOPICS.predictions, prefix), fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        const { event } = await serde.decode(message.value);
        seen.push(idOfPseudonym((event as { encounter_id: string }).encounter_id));
      },
    });

    const env = scorerEnv(prefix, { PER_TRANSACTION: '50', DELAY_MS: '2' });
    let scorer = startScorer(env);
    try {
      await eventually(async () => (seen.length >= ENCOUNTERS / 5 ? true : undefined), 90_000, 20);
      const killedAt = seen.length;
      expect(isRunning(scorer)).toBe(true);
      const exited = new Promise((resolve) => scorer.once('exit', resolve));
      scorer.kill('SIGKILL');
      await exited;
      expect(scorer.signalCode).toBe('SIGKILL');
      expect(killedAt).toBeLessThan(ENCOUNTERS);

      scorer = startScorer(env);
      await eventually(async () => (seen.length >= ENCOUNTERS ? true : undefined), 90_000);
      // Give any duplicate time to show up before counting.
      await new Promise((resolve) => setTimeout(resolve, 3_000));

      expect(seen).toHaveLength(ENCOUNTERS);
      expect(new Set(seen).size).toBe(ENCOUNTERS);
      expect(Math.min(...seen)).toBe(1);
      expect(Math.max(...seen)).toBe(ENCOUNTERS);
    } finally {
      scorer.kill('SIGKILL');
      await watcher.disconnect();
    }
  });
});

describe('TransactionalProcessor: poison messages', () => {
  it('dead-letters a bad message inside the transaction and produces for the good ones', async () => {
    const { kafka, prefix, publisher } = await scorerTopology();
    await publisher.publish('EncounterRecorded', '1', exampleEncounter(1));
    const raw = kafka.producer();
    await raw.connect();
    await raw.send({
      topic: physical(TOPICS.encounters, prefix),
      messages: [{ key: '1', value: Buffer.from('{"encounter_id":1}') }],
    });
    await raw.disconnect();
    await publisher.publish('EncounterRecorded', '2', exampleEncounter(2));
    await publisher.disconnect();

    const env = scorerEnv(prefix);
    const scorer = startScorer(env);
    try {
      const predictions = await readTopic(kafka, physical(TOPICS.predictions, prefix), {
        count: 2,
        timeoutMs: 60_000,
      });
      expect(predictions.map(({ message }) => String(message.key)).sort()).toEqual(
        [1, 2].map((id) => encounterPseudonym(id)).sort(),
      );
      const letters = await readTopic(kafka, `${physical(TOPICS.encounters, prefix)}.dlq`, {
        count: 1,
        timeoutMs: 30_000,
      });
      expect(letters).toHaveLength(1);
      expect(String(letters[0].message.headers?.[DLQ_HEADERS.reason])).toBe('undecodable');
      expect(String(letters[0].message.value)).toBe('{"encounter_id":1}');
    } finally {
      scorer.kill('SIGKILL');
    }
  });
});

/** A PredictionMade for an encounter, as a batch transform would make it. */
function predictionFor(encounter: EncounterRecorded, offset: string) {
  return {
    eventType: 'PredictionMade' as const,
    key: encounter.encounter_id,
    event: {
      envelope: newEnvelope('PredictionMade', { producer: 'test' }),
      encounter_id: encounter.encounter_id,
      patient_nbr: encounter.patient_nbr,
      score: 0.5,
      label: true,
      threshold: 0.5,
      modelName: 'fixture',
      modelVersion: '1',
      sourceTopic: 'test',
      sourcePartition: 0,
      sourceOffset: Number(offset),
      latencyMs: 0,
      contributions: null,
    },
  };
}

describe('TransactionalProcessor: micro-batches', () => {
  it('heartbeats between micro-batches: work longer than the session timeout causes no rebalance', async () => {
    const { kafka, prefix, serde, publisher } = await scorerTopology();
    // 60 encounters on one partition arrive in one fetch: 6 transactions of 1.5 s = 9 s, while
    // the group gives a silent member 6 s.
    await publisher.publishAll(
      Array.from({ length: 60 }, (_, index) => ({
        eventType: 'EncounterRecorded' as const,
        key: 'one-partition',
        event: exampleEncounter(index + 1),
      })),
    );
    await publisher.disconnect();
    const processor = new TransactionalProcessor(
      kafka,
      serde,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      {
        groupId: uniqueName('slow'),
        transactionalId: uniqueName('slow-0'),
        topics: [TOPICS.encounters],
        topicPrefix: prefix,
        maxMessagesPerTransaction: 10,
        sessionTimeoutMs: 6_000,
      },
    );
    const sizes: number[] = [];
    try {
      await processor.startBatches(['EncounterRecorded'], async (batch) => {
        sizes.push(batch.length);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return {
          outputs: batch.map(({ event, context }) => predictionFor(event, context.offset)),
        };
      });
      const predictions = await readTopic(kafka, physical(TOPICS.predictions, prefix), {
        count: 60,
        timeoutMs: 60_000,
        settleMs: 2_000,
      });
      expect(predictions).toHaveLength(60);
      expect(new Set(predictions.map(({ message }) => String(message.key))).size).toBe(60);
      expect(sizes).toEqual([10, 10, 10, 10, 10, 10]);
      expect(processor.groupJoins).toBe(1);
    } finally {
      await processor.stop();
    }
  });

  it('dead-letters the messages a batch transform rejects, in the same transaction as the others', async () => {
    const { kafka, prefix, serde, publisher } = await scorerTopology();
    await publisher.publishAll(
      [1, 2, 3].map((id) => ({
        eventType: 'EncounterRecorded' as const,
        key: 'one-partition',
        event: exampleEncounter(id),
      })),
    );
    await publisher.disconnect();
    const processor = new TransactionalProcessor(
      kafka,
      serde,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      {
        groupId: uniqueName('rejecting'),
        transactionalId: uniqueName('rejecting-0'),
        topics: [TOPICS.encounters],
        topicPrefix: prefix,
      },
    );
    try {
      await processor.startBatches(['EncounterRecorded'], async (batch) => {
        const refused = batch.findIndex(({ event }) => idOfPseudonym(event.encounter_id) === 2);
        return {
          outputs: batch
            .filter((_, index) => index !== refused)
            .map(({ event, context }) => predictionFor(event, context.offset)),
          rejected: refused >= 0 ? [{ index: refused, error: 'the model cannot score it' }] : [],
        };
      });
      const predictions = await readTopic(kafka, physical(TOPICS.predictions, prefix), {
        count: 2,
        timeoutMs: 30_000,
        settleMs: 1_000,
      });
      expect(predictions.map(({ message }) => String(message.key)).sort()).toEqual(
        [1, 3].map((id) => encounterPseudonym(id)).sort(),
      );
      const letters = await readTopic(kafka, `${physical(TOPICS.encounters, prefix)}.dlq`, {
        count: 1,
        timeoutMs: 30_000,
      });
      expect(letters).toHaveLength(1);
      expect(String(letters[0].message.headers?.[DLQ_HEADERS.reason])).toBe('handler_error');
      const { event } = await serde.decode(letters[0].message.value);
      expect((event as { encounter_id: string }).encounter_id).toBe(encounterPseudonym(2));
    } finally {
      await processor.stop();
    }
  });
});
