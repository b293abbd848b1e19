// Exactly-once under broker and process faults, the way Apache Kafka's own transactions system
// test checks it (tests/kafkatest/tests/core/transactions_test.py): a three-node cluster with
// RF 3 and min ISR 2, the transactional process hard-killed and restarted, brokers hard- and
// clean-bounced one at a time, a read_committed consumer running during the faults and another
// reading everything after. Shared by the CI-sized fault test and the longer bench.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TOPICS,
  deadLetterTopicOf,
  type BackfillCompleted,
  type BackfillProgressed,
  type BackfillRequested,
  type PredictionMade,
  type TopicDefinition,
} from '@readmit/contracts';
import {
  LogPositions,
  newEnvelope,
  SupervisedConsumer,
  type EventSerde,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { promoteSmallModel, publishExampleEncounters } from './champion';
import type { DisposableKafkaCluster } from './disposable-kafka';
import { eventually, testEndpoints, uniqueName } from './endpoints';
import { isolatedEventStreams, physical, quietLogger } from './kafka';
import { startFixture } from './processes';
import { encounterPseudonym } from './pseudonyms';
import { watchEventsThroughOutages } from './resilient-watch';

/** One fault, applied while the transactional process is busy. */
export type Fault =
  | { readonly kind: 'hard-kill-broker'; readonly nodeId: number }
  | { readonly kind: 'kill-process' }
  | { readonly kind: 'clean-restart-broker'; readonly nodeId: number };

/** Each broker hard-killed in turn, the process killed three times, each broker cleanly restarted. */
export function kafkaTestFaults(nodes: number): Fault[] {
  const ids = Array.from({ length: nodes }, (_, index) => index + 1);
  return [
    ...ids.map((nodeId): Fault => ({ kind: 'hard-kill-broker', nodeId })),
    { kind: 'kill-process' },
    { kind: 'kill-process' },
    { kind: 'kill-process' },
    ...ids.map((nodeId): Fault => ({ kind: 'clean-restart-broker', nodeId })),
  ];
}

export const describeFault = (fault: Fault): string =>
  fault.kind === 'kill-process' ? 'process killed (SIGKILL)' : `${fault.kind} ${fault.nodeId}`;

/** What the readers saw, for the assertions and the figures. */
export interface ExactlyOnceReport {
  readonly encounters: number;
  readonly faults: readonly string[];
  /** Encounters with more than one committed prediction (after the run). */
  readonly duplicates: number;
  /** Encounters without a committed prediction (after the run). */
  readonly missing: number;
  /** Predictions only a read_uncommitted reader sees: written in transactions that aborted. */
  readonly aborted: number;
  /** Of those, how many the read_committed consumer running during the faults was handed. */
  readonly abortedSeenDuringFaults: number;
  /** Distinct encounters the consumer running during the faults saw, and duplicates among them. */
  readonly seenDuringFaults: number;
  readonly duplicatesDuringFaults: number;
  readonly seconds: number;
}

const progressLine = (tag: string) => (line: string) =>
  process.stderr.write(`[${tag}] ${new Date().toISOString()} ${line}\n`);

/** SIGKILLs a fixture process unless it has already exited, and waits until it has. */
async function killAndWait(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** A position on the log: the same record however often a consumer is handed it. */
const positionOf = (partition: number, offset: string) => `${partition}:${offset}`;

/**
 * A consumer of the output topic that keeps every record it is handed, by position. Supervised,
 * so it outlives broker faults (a consumer whose retries ran out is replaced and goes on after
 * the last record it kept); a record handed twice is the same position, counted once.
 */
class OutputWatch {
  private constructor(
    private readonly consumer: SupervisedConsumer,
    readonly byPosition: ReadonlyMap<string, string>,
  ) {}

  static async start(
    kafka: Kafka,
    serde: EventSerde,
    topic: string,
    readUncommitted: boolean,
  ): Promise<OutputWatch> {
    const positions = new LogPositions();
    const byPosition = new Map<string, string>();
    const consumer = new SupervisedConsumer(
      kafka,
      {
        name: readUncommitted ? 'eos-uncommitted-reader' : 'eos-committed-reader',
        config: { groupId: uniqueName('eos-reader'), readUncommitted },
        topics: [topic],
        run: () => ({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const fresh = batch.messages.filter(
              (message) => !positions.handledBefore(topic, batch.partition, message.offset),
            );
            const decoded = await serde.decodeAll(fresh.map((message) => message.value));
            fresh.forEach((message, index) => {
              const result = decoded[index];
              if (result instanceof Error) throw result;
              const id = (result.event as PredictionMade).encounter_id;
              byPosition.set(positionOf(batch.partition, message.offset), id);
              positions.handled(topic, batch.partition, message.offset);
            });
          },
        }),
        onRunning: (incarnation) => positions.seek(incarnation),
        backoff: { initialMs: 250, maxMs: 1_000 },
      },
      quietLogger,
    );
    await consumer.start();
    return new OutputWatch(consumer, byPosition);
  }

  /** Encounter ids seen, each once, whatever the number of records. */
  distinct(): Set<string> {
    return new Set(this.byPosition.values());
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}

/**
 * Stops a reader, a watcher or a publisher, giving up after 30 s with a line saying which: a
 * cleanup that hangs must not hold the test (and is worth knowing about).
 */
async function stopWithin(what: string, stop: () => Promise<void>, log: (line: string) => void) {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), 30_000);
  });
  const outcome = await Promise.race([stop().then(() => 'stopped' as const), gaveUp]).catch(
    (error: unknown) => `failed: ${String(error)}`,
  );
  clearTimeout(timer);
  if (outcome !== 'stopped') log(`stopping ${what}: ${outcome} after ${Date.now() - started} ms`);
}

/** Waits for `done`, saying every 15 s how far `progress` has got; fails after `timeoutMs`. */
async function waitWithProgress(
  log: (line: string) => void,
  what: string,
  progress: () => string,
  done: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  let lastSaid = started;
  while (!done()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`${what}: not done after ${timeoutMs / 1000} s (${progress()})`);
    if (Date.now() - lastSaid > 15_000) {
      log(`${what}: ${progress()}`);
      lastSaid = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many encounters have more than one record among `positions`. */
function duplicatesAmong(positions: ReadonlyMap<string, string>): number {
  const counts = new Map<string, number>();
  for (const id of positions.values()) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts.values()].filter((count) => count > 1).length;
}

/** The final reads: every record read_committed and read_uncommitted readers are given. */
async function readEverything(
  kafka: Kafka,
  serde: EventSerde,
  topic: string,
  expected: number,
  log: (line: string) => void,
): Promise<{ committed: Map<string, string>; uncommitted: Map<string, string> }> {
  const read = async (readUncommitted: boolean) => {
    const watch = await OutputWatch.start(kafka, serde, topic, readUncommitted);
    try {
      await waitWithProgress(
        log,
        `reading ${readUncommitted ? 'read_uncommitted' : 'read_committed'} after the faults`,
        () => `${watch.distinct().size} of ${expected} encounters`,
        () => watch.distinct().size >= expected,
        180_000,
      );
      // Anything beyond (a duplicate) arrives within this.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return new Map(watch.byPosition);
    } finally {
      await stopWithin('the reader after the faults', () => watch.stop(), log);
    }
  };
  return { committed: await read(false), uncommitted: await read(true) };
}

function reportOf(
  expectedIds: ReadonlySet<string>,
  during: OutputWatch,
  after: { committed: Map<string, string>; uncommitted: Map<string, string> },
  faults: readonly string[],
  startedAt: number,
): ExactlyOnceReport {
  const committedIds = new Set(after.committed.values());
  const aborted = [...after.uncommitted.keys()].filter(
    (position) => !after.committed.has(position),
  );
  return {
    encounters: expectedIds.size,
    faults,
    duplicates: duplicatesAmong(after.committed),
    missing: [...expectedIds].filter((id) => !committedIds.has(id)).length,
    aborted: aborted.length,
    abortedSeenDuringFaults: aborted.filter((position) => during.byPosition.has(position)).length,
    seenDuringFaults: during.distinct().size,
    duplicatesDuringFaults: duplicatesAmong(during.byPosition),
    seconds: Math.round((Date.now() - startedAt) / 1000),
  };
}

interface FaultTarget {
  readonly cluster: DisposableKafkaCluster;
  readonly topics: readonly string[];
  /** Kills the transactional process and starts it again. */
  readonly restartProcess: () => Promise<void>;
  readonly log: (line: string) => void;
}

async function inject(fault: Fault, target: FaultTarget): Promise<void> {
  const { cluster, log } = target;
  switch (fault.kind) {
    case 'kill-process':
      await target.restartProcess();
      break;
    case 'hard-kill-broker': {
      const node = cluster.nodes[fault.nodeId - 1];
      await node.kill();
      // Down long enough for clients to notice: leaders move, in-flight requests fail.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await node.start();
      break;
    }
    case 'clean-restart-broker': {
      const node = cluster.nodes[fault.nodeId - 1];
      await node.stop();
      await node.start();
      break;
    }
  }
  // A restarted node catches up before the next fault: two replicas down is below min ISR.
  await cluster.untilFullyReplicated(target.topics);
  log(`${describeFault(fault)}: recovered, every partition fully replicated`);
}

/**
 * Stream scoring under faults: bursts of encounters arrive (one per fault), and each fault lands
 * while the scorer works through its burst, with transactions open.
 */
export async function streamScoringUnderFaults(
  cluster: DisposableKafkaCluster,
  options: {
    readonly burst: number;
    /** Messages per transaction: small, so that faults find transactions open. */
    readonly batch: number;
    readonly faults: readonly Fault[];
  },
): Promise<ExactlyOnceReport> {
  const log = progressLine('eos-scoring');
  const startedAt = Date.now();
  const topicDefinitions: TopicDefinition[] = [
    TOPICS.encounters,
    TOPICS.predictions,
    TOPICS.shadowPredictions,
    TOPICS.models,
    deadLetterTopicOf(TOPICS.encounters),
  ];
  const streams = await isolatedEventStreams(
    topicDefinitions,
    ['EncounterRecorded', 'PredictionMade', 'ModelPromoted'],
    cluster.client('eos-scoring'),
  );
  const topics = topicDefinitions.map((topic) => physical(topic, streams.prefix));
  const predictionsTopic = physical(TOPICS.predictions, streams.prefix);
  const root = mkdtempSync(join(tmpdir(), 'readmit-eos-'));
  const group = uniqueName('scoring');
  const env = {
    BROKERS: cluster.brokers.join(','),
    REGISTRY_URL: testEndpoints().schemaRegistryUrl,
    PREFIX: streams.prefix,
    ARTIFACTS: root,
    GROUP: group,
    TRANSACTIONAL_ID: `${group}-0`,
    GROUP_INSTANCE_ID: `${group}-0`,
    SESSION_TIMEOUT_MS: '10000',
    BATCH: String(options.batch),
  };
  let scorer: ChildProcess | undefined;
  const killScorer = () => killAndWait(scorer);
  let during: OutputWatch | undefined;
  try {
    await promoteSmallModel(streams.publisher, root);
    scorer = startFixture('scoring-process', env);
    during = await OutputWatch.start(streams.kafka, streams.serde, predictionsTopic, false);
    const watching = during;
    const expected = new Set<string>();
    let next = 1;
    const applied: string[] = [];
    for (const fault of options.faults) {
      const from = next;
      await publishExampleEncounters(streams.publisher, from, options.burst);
      next += options.burst;
      for (let id = from; id < next; id++) expected.add(encounterPseudonym(id));
      // The fault lands a fifth of the way into the burst: transactions are open.
      const before = watching.distinct().size;
      await waitWithProgress(
        log,
        `waiting for the burst before ${describeFault(fault)}`,
        () => `${watching.distinct().size} of ${expected.size} scored`,
        () => watching.distinct().size >= before + options.burst / 5,
        120_000,
      );
      log(`${describeFault(fault)} at ${watching.distinct().size} of ${expected.size} scored`);
      await inject(fault, {
        cluster,
        topics,
        log,
        restartProcess: async () => {
          await killScorer();
          scorer = startFixture('scoring-process', env);
        },
      });
      applied.push(describeFault(fault));
    }
    await waitWithProgress(
      log,
      'scoring the rest',
      () => `${watching.distinct().size} of ${expected.size} scored`,
      () => watching.distinct().size >= expected.size,
      240_000,
    );
    log(`every encounter scored (${expected.size}); reading the log again`);
    await killScorer();
    const after = await readEverything(
      streams.kafka,
      streams.serde,
      predictionsTopic,
      expected.size,
      log,
    );
    return reportOf(expected, watching, after, applied, startedAt);
  } finally {
    await killScorer();
    await stopWithin('the reader during the faults', async () => during?.stop(), log);
    await stopWithin('the publisher', () => streams.publisher.disconnect(), log);
    rmSync(root, { recursive: true, force: true });
  }
}

type BackfillEvent = BackfillRequested | BackfillProgressed | BackfillCompleted;

/**
 * A backfill run under faults: the encounters are on the log, the backfill re-scores them at a
 * capped rate, and the faults land at evenly spaced points of its progress.
 */
export async function backfillUnderFaults(
  cluster: DisposableKafkaCluster,
  options: {
    readonly encounters: number;
    readonly maxRatePerSecond: number;
    readonly chunk: number;
    readonly faults: readonly Fault[];
  },
): Promise<ExactlyOnceReport> {
  const log = progressLine('eos-backfill');
  const startedAt = Date.now();
  const topicDefinitions: TopicDefinition[] = [
    TOPICS.encounters,
    TOPICS.predictions,
    TOPICS.backfillPredictions,
    TOPICS.backfills,
    TOPICS.models,
    TOPICS.training,
  ];
  const streams = await isolatedEventStreams(
    topicDefinitions,
    [
      'EncounterRecorded',
      'ModelPromoted',
      'PredictionMade',
      'BackfillRequested',
      'BackfillProgressed',
      'BackfillCompleted',
    ],
    cluster.client('eos-backfill'),
  );
  const topics = topicDefinitions.map((topic) => physical(topic, streams.prefix));
  const outputTopic = physical(TOPICS.backfillPredictions, streams.prefix);
  const root = mkdtempSync(join(tmpdir(), 'readmit-eos-'));
  const env = {
    BROKERS: cluster.brokers.join(','),
    REGISTRY_URL: testEndpoints().schemaRegistryUrl,
    PREFIX: streams.prefix,
    ARTIFACTS: root,
    CHUNK: String(options.chunk),
    MAX_ATTEMPTS: '20',
    RETRY_DELAY_MS: '1000',
  };
  let backfill: ChildProcess | undefined;
  const killBackfill = () => killAndWait(backfill);
  let during: OutputWatch | undefined;
  let watcher: { events: BackfillEvent[]; stop: () => Promise<void> } | undefined;
  try {
    await promoteSmallModel(streams.publisher, root);
    await publishExampleEncounters(streams.publisher, 1, options.encounters);
    const expected = new Set(
      Array.from({ length: options.encounters }, (_, index) => encounterPseudonym(index + 1)),
    );
    watcher = await watchEventsThroughOutages<BackfillEvent>(
      streams.kafka,
      streams.serde,
      physical(TOPICS.backfills, streams.prefix),
    );
    during = await OutputWatch.start(streams.kafka, streams.serde, outputTopic, false);
    const watching = during;
    backfill = startFixture('backfill-process', env);
    const asked: BackfillRequested = {
      envelope: newEnvelope('BackfillRequested', { producer: 'test' }),
      backfillId: uniqueName('backfill'),
      fromTime: null,
      toTime: null,
      offsetRanges: [],
      modelVersion: 'champion',
      targets: ['TOPIC'],
      maxRatePerSecond: options.maxRatePerSecond,
      requestedBy: 'test',
    };
    await streams.publisher.publish('BackfillRequested', asked.backfillId, asked);
    const applied: string[] = [];
    for (const [index, fault] of options.faults.entries()) {
      const at = Math.floor(((index + 1) * options.encounters) / (options.faults.length + 2));
      await waitWithProgress(
        log,
        `waiting for the backfill to reach ${at} before ${describeFault(fault)}`,
        () => `${watching.distinct().size} of ${options.encounters}`,
        () => watching.distinct().size >= at,
        240_000,
      );
      log(`${describeFault(fault)} at ${watching.distinct().size} of ${options.encounters}`);
      await inject(fault, {
        cluster,
        topics,
        log,
        restartProcess: async () => {
          await killBackfill();
          backfill = startFixture('backfill-process', env);
        },
      });
      applied.push(describeFault(fault));
    }
    const events = watcher.events;
    const completed = await eventually(
      async () =>
        events.find(
          (event): event is BackfillCompleted =>
            'status' in event && event.backfillId === asked.backfillId,
        ),
      300_000,
    );
    log(`backfill ${completed.status} (${completed.processed} processed); reading the log again`);
    if (completed.status !== 'COMPLETED')
      throw new Error(`the backfill ended ${completed.status}, not COMPLETED`);
    await killBackfill();
    const after = await readEverything(
      streams.kafka,
      streams.serde,
      outputTopic,
      expected.size,
      log,
    );
    return reportOf(expected, watching, after, applied, startedAt);
  } finally {
    await killBackfill();
    await stopWithin('the reader during the faults', async () => during?.stop(), log);
    await stopWithin('the backfill watcher', async () => watcher?.stop(), log);
    await stopWithin('the publisher', () => streams.publisher.disconnect(), log);
    rmSync(root, { recursive: true, force: true });
  }
}
