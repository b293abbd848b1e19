// How long stream scoring stops writing predictions (a) after `kill -9` of the scorer and an
// immediate restart, with dynamic group membership and a 30 s session (how scoring ran before)
// against static membership and a 10 s session (now), and (b) after the broker is stopped and
// started again. Encounters stream in at a steady rate throughout; the gap is read from the
// predictions' own record timestamps (when the scorer wrote them), so the watcher's own
// reconnection after a broker restart does not count.
//   npx tsx bench/scoring-recovery.bench.ts [--rounds 2] [--rate 500]
//     [--scenarios kill,broker,outage] [--outage-seconds 60]
// `outage` keeps the broker down for --outage-seconds, longer than kafkajs's retry budget: the
// scorer's consumer crashes, and only a supervised consumer comes back.
// Runs on a broker of its own (started from the local platform's jars), so the broker restart
// disturbs nothing else; needs the local platform's schema registry (`./readmit infra up`).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOPICS, deadLetterTopicOf } from '@readmit/contracts';
import {
  createKafkaClient,
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  LogPositions,
  provisionTopics,
  SupervisedConsumer,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { promoteSmallModel } from '../test/support/champion';
import { startDisposableKafka, type DisposableKafka } from '../test/support/disposable-kafka';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { exampleEncounter, quietLogger } from '../test/support/kafka';
import { startFixture } from '../test/support/processes';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    rate: { type: 'string', default: '500' },
    scenarios: { type: 'string', default: 'kill,broker,outage' },
    'outage-seconds': { type: 'string', default: '60' },
  },
});
const SCENARIOS = new Set(values.scenarios.split(','));
const OUTAGE_MS = Number(values['outage-seconds']) * 1000;
/** How long to wait for scoring to come back before calling it stuck. */
const RESUME_DEADLINE_MS = 120_000;
const ROUNDS = Number(values.rounds);
const RATE = Number(values.rate);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Membership {
  readonly name: string;
  readonly sessionTimeoutMs: number;
  readonly static: boolean;
}

const BEFORE: Membership = {
  name: 'dynamic, 30 s session',
  sessionTimeoutMs: 30_000,
  static: false,
};
const NOW: Membership = { name: 'static, 10 s session', sessionTimeoutMs: 10_000, static: true };

/** One scoring pipeline on topics of its own, fed at RATE encounters/s, watched by timestamp. */
class Scene {
  private readonly written: number[] = [];
  private feeding = true;
  private feeder: Promise<void> = Promise.resolve();
  private scorer: ChildProcess | undefined;
  private watcher: SupervisedConsumer | undefined;
  private readonly root = mkdtempSync(join(tmpdir(), 'readmit-recovery-'));
  private readonly group = uniqueName('scoring');

  private constructor(
    private readonly kafka: Kafka,
    private readonly brokers: readonly string[],
    private readonly prefix: string,
    private readonly publisher: EventPublisher,
    private readonly membership: Membership,
  ) {}

  static async open(broker: DisposableKafka, membership: Membership): Promise<Scene> {
    const kafka = createKafkaClient({ brokers: broker.brokers, clientId: 'bench' }, quietLogger);
    const prefix = `${uniqueName('bench')}.`;
    await provisionTopics(kafka, {
      prefix,
      topics: [
        TOPICS.encounters,
        TOPICS.predictions,
        TOPICS.shadowPredictions,
        TOPICS.models,
        deadLetterTopicOf(TOPICS.encounters),
      ],
    });
    const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, { topicPrefix: prefix });
    await serde.register(['EncounterRecorded', 'ModelPromoted', 'PredictionMade']);
    const publisher = new EventPublisher(
      kafka,
      serde,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      prefix,
    );
    return new Scene(kafka, broker.brokers, prefix, publisher, membership);
  }

  async start(): Promise<void> {
    await promoteSmallModel(this.publisher, this.root);
    const topic = `${this.prefix}${TOPICS.predictions.name}`;
    const positions = new LogPositions();
    this.watcher = new SupervisedConsumer(
      this.kafka,
      {
        name: 'bench-watcher',
        config: { groupId: uniqueName('bench-watch'), readUncommitted: false },
        topics: [topic],
        run: () => ({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (positions.handledBefore(batch.topic, batch.partition, message.offset)) continue;
              this.written.push(Number(message.timestamp));
              positions.handled(batch.topic, batch.partition, message.offset);
            }
          },
        }),
        onRunning: (consumer) => positions.seek(consumer),
      },
      quietLogger,
    );
    await this.watcher.start();
    this.startScorer();
    let next = 1;
    this.feeder = (async () => {
      while (this.feeding) {
        const ids = Array.from({ length: RATE / 10 }, (_, index) => next + index);
        try {
          await this.publisher.publishAll(
            ids.map((id) => ({
              eventType: 'EncounterRecorded' as const,
              key: String(id),
              event: exampleEncounter(id),
            })),
          );
          next += ids.length;
          this.published += ids.length;
        } catch {
          // The broker is away (the outage scenario): try the same encounters again.
        }
        await sleep(100);
      }
    })();
    await this.waitForPredictionsAfter(Date.now(), 120_000);
    await sleep(3_000); // steady state
  }

  startScorer(): void {
    const { kafkaBrokers: _shared, schemaRegistryUrl } = testEndpoints();
    this.scorer = startFixture('scoring-process', {
      BROKERS: this.brokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: this.prefix,
      ARTIFACTS: this.root,
      GROUP: this.group,
      TRANSACTIONAL_ID: `${this.group}-0`,
      BATCH: '100',
      SESSION_TIMEOUT_MS: String(this.membership.sessionTimeoutMs),
      GROUP_INSTANCE_ID: this.membership.static ? `${this.group}-0` : '',
    });
  }

  async killScorer(): Promise<void> {
    const scorer = this.scorer;
    const exited = new Promise((resolve) => scorer?.once('exit', resolve));
    scorer?.kill('SIGKILL');
    await exited;
  }

  /** Resolves with the record time of the first prediction written after `since`. */
  async waitForPredictionsAfter(since: number, timeoutMs: number): Promise<number> {
    const first = await this.firstPredictionAfter(since, timeoutMs);
    if (first === undefined) throw new Error('no prediction in time');
    return first;
  }

  /** The record time of the first prediction written after `since`, unless none comes in time. */
  async firstPredictionAfter(since: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const first = this.written.find((time) => time > since);
      if (first !== undefined) return first;
      if (Date.now() > deadline) return undefined;
      await sleep(50);
    }
  }

  /** What the scene has done so far, for BENCH_DEBUG progress lines. */
  get counts(): { published: number; predictions: number } {
    return { published: this.published, predictions: this.written.length };
  }

  private published = 0;

  async close(): Promise<void> {
    this.feeding = false;
    this.scorer?.kill('SIGKILL');
    await this.feeder.catch(() => undefined);
    await this.watcher?.stop();
    await this.publisher.disconnect();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Seconds from `kill -9` of the scorer (restarted at once) to its next prediction. */
async function killGap(broker: DisposableKafka, membership: Membership): Promise<number> {
  const scene = await Scene.open(broker, membership);
  try {
    await scene.start();
    const killedAt = Date.now();
    await scene.killScorer();
    scene.startScorer();
    const first = await scene.waitForPredictionsAfter(killedAt, 120_000);
    return (first - killedAt) / 1000;
  } finally {
    await scene.close();
  }
}

/** Seconds without predictions around a broker stop and start: from the stop, and from its return. */
async function brokerGap(broker: DisposableKafka): Promise<{ fromStop: number; fromBack: number }> {
  const scene = await Scene.open(broker, NOW);
  try {
    await scene.start();
    const stoppedAt = Date.now();
    await broker.stop();
    await broker.start();
    const backAt = Date.now();
    const first = await scene.waitForPredictionsAfter(backAt, 180_000);
    return { fromStop: (first - stoppedAt) / 1000, fromBack: (first - backAt) / 1000 };
  } finally {
    await scene.close();
  }
}

/**
 * Seconds from the broker's return after an outage of OUTAGE_MS to the next prediction, or
 * undefined when scoring did not come back within RESUME_DEADLINE_MS.
 */
async function outageGap(broker: DisposableKafka): Promise<number | undefined> {
  const scene = await Scene.open(broker, NOW);
  try {
    await scene.start();
    const debug = process.env.BENCH_DEBUG
      ? setInterval(() => console.error(new Date().toISOString(), scene.counts), 5_000)
      : undefined;
    await broker.stop();
    await sleep(OUTAGE_MS);
    await broker.start();
    const backAt = Date.now();
    const first = await scene.firstPredictionAfter(backAt, RESUME_DEADLINE_MS);
    clearInterval(debug);
    return first === undefined ? undefined : (first - backAt) / 1000;
  } finally {
    await scene.close();
  }
}

async function main(): Promise<void> {
  const command = `npx tsx bench/scoring-recovery.bench.ts --rounds ${ROUNDS} --rate ${RATE} --scenarios ${values.scenarios} --outage-seconds ${OUTAGE_MS / 1000}`;
  console.log(command);
  const broker = await startDisposableKafka();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const membership of SCENARIOS.has('kill') ? [BEFORE, NOW] : []) {
        const gap = await killGap(broker, membership);
        console.log(
          `round ${round}: kill -9 + restart, ${membership.name}: ${gap.toFixed(1)} s without predictions`,
        );
      }
      if (SCENARIOS.has('broker')) {
        const { fromStop, fromBack } = await brokerGap(broker);
        console.log(
          `round ${round}: broker stop + start: ${fromStop.toFixed(1)} s without predictions, ${fromBack.toFixed(1)} s of it after the broker answered again`,
        );
      }
      if (SCENARIOS.has('outage')) {
        const gap = await outageGap(broker);
        console.log(
          `round ${round}: broker away ${OUTAGE_MS / 1000} s: ${
            gap === undefined
              ? `no prediction within ${RESUME_DEADLINE_MS / 1000} s of its return (scoring stuck)`
              : `first prediction ${gap.toFixed(1)} s after the broker answered again`
          }`,
        );
      }
    }
  } finally {
    await broker.destroy();
  }
  console.log(command);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
