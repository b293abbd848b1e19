// Backfill throughput: a backlog of encounters on patient.encounters is re-scored by one backfill
// process (test/fixtures/backfill-process.ts: the service's coordinator and runs), exactly once
// into patient.predictions.backfill, one transaction per chunk with its checkpoint.
//   npx tsx bench/backfill-throughput.bench.ts [--encounters 100000] [--chunk 5000] [--model gbdt]
// Then plain kafkajs copies the same log in transactions of the same size: the machine's floor.
// Needs the local platform (`./readmit infra up`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type BackfillCompleted,
  type BackfillProgressed,
  type EncounterRecorded,
} from '@readmit/contracts';
import { newEnvelope, type OutgoingEvent } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { PROJECT_ROOT, testEndpoints, uniqueName } from '../test/support/endpoints';
import { isolatedEventStreams, physical } from '../test/support/kafka';
import { startFixture } from '../test/support/processes';
import { syntheticEncounters, trainBenchModel } from './support/bench-model';
import { CpuMeter, localBrokerPid } from './support/cpu-time';
import { transactionalCopy } from './support/kafka-copy';
import { encounterPseudonym } from '../test/support/pseudonyms';
import { sealingPublisher, type BenchSealing } from './support/sealing';
import type { BenchCluster } from './scoring-throughput.bench';

export interface BackfillRunOptions {
  readonly encounters: number;
  readonly chunk: number;
  /** Where the promoted model's artifact is stored (a FileSystemObjectStore root). */
  readonly artifactsRoot: string;
  readonly model: { uri: string; sha256: string };
  /** Seal the backlog and have the backfill open it (bench/sealing.bench.ts). */
  readonly sealing?: BenchSealing;
  /** Another Kafka than the local platform's (bench/replicated-kafka.bench.ts). */
  readonly cluster?: BenchCluster;
}

/**
 * `options.encounters` synthetic encounters on patient.encounters (a prefix of their own),
 * re-scored by one backfill process: its rate from its first checkpoint to its end.
 */
export async function backfillRun(options: BackfillRunOptions) {
  const { encounters: ENCOUNTERS, chunk: CHUNK, artifactsRoot: root, model: stored } = options;
  const streams = await isolatedEventStreams(
    [
      TOPICS.encounters,
      TOPICS.backfillPredictions,
      TOPICS.backfills,
      TOPICS.models,
      TOPICS.training,
    ],
    ['EncounterRecorded', 'PredictionMade', 'ModelPromoted', 'BackfillRequested'],
    options.cluster?.kafka,
  );
  const { kafka, prefix, publisher, serde } = streams;
  let backfill: ChildProcess | undefined;
  try {
    const backlog = options.sealing
      ? await sealingPublisher(kafka, prefix, options.sealing.sealer, ['EncounterRecorded'])
      : publisher;
    const rows = syntheticEncounters(ENCOUNTERS, 7);
    console.log(`publishing ${rows.length} encounters under ${prefix}`);
    for (let start = 0; start < rows.length; start += 2_000) {
      const events: OutgoingEvent[] = rows.slice(start, start + 2_000).map((row, index) => {
        const event: EncounterRecorded = {
          ...EXAMPLE_EVENTS.EncounterRecorded,
          ...row.encounter,
          encounter_id: encounterPseudonym(start + index + 1),
          envelope: newEnvelope('EncounterRecorded', { producer: 'bench' }),
        };
        return { eventType: 'EncounterRecorded', key: event.encounter_id, event };
      });
      await backlog.publishAll(events);
    }
    if (backlog !== publisher) await backlog.disconnect();
    await publisher.publish('ModelPromoted', 'readmission', {
      ...EXAMPLE_EVENTS.ModelPromoted,
      envelope: newEnvelope('ModelPromoted', { producer: 'bench' }),
      modelName: 'readmission',
      version: 'bench',
      previousVersion: null,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
    });

    // The run's own events time it: its first checkpoint (written after the model is loaded
    // and the range resolved, before any prediction) to its end.
    let startedAt = 0;
    let completed: BackfillCompleted | null = null;
    // Where the machine's CPU went while the run lasted (the backfill process and the broker).
    let runCpu: CpuMeter | null = null;
    let runCpuReport = '';
    const watcher = kafka.consumer({ groupId: uniqueName('bench-watch'), readUncommitted: false });
    await watcher.connect();
    await watcher.subscribe({ topic: physical(TOPICS.backfills, prefix), fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        const decoded = await serde.decode(message.value);
        if (decoded.eventType === 'BackfillProgressed' && startedAt === 0) {
          startedAt = (decoded.event as BackfillProgressed).envelope.occurredAt;
          runCpu = new CpuMeter({
            backfill: backfill?.pid,
            broker: options.cluster ? undefined : localBrokerPid(PROJECT_ROOT),
          });
        }
        if (decoded.eventType === 'BackfillCompleted') {
          runCpuReport = runCpu?.report() ?? '';
          completed = decoded.event as BackfillCompleted;
        }
      },
    });
    const { schemaRegistryUrl } = testEndpoints();
    const kafkaBrokers = options.cluster?.brokers ?? testEndpoints().kafkaBrokers;
    backfill = startFixture('backfill-process', {
      BROKERS: kafkaBrokers.join(','),
      REGISTRY_URL: schemaRegistryUrl,
      PREFIX: prefix,
      ARTIFACTS: root,
      CHUNK: String(CHUNK),
      ...options.sealing?.fixtureEnv,
      ...options.cluster?.fixtureEnv,
    });
    const requestedAt = Date.now();
    await publisher.publish('BackfillRequested', 'bench', {
      envelope: newEnvelope('BackfillRequested', { producer: 'bench' }),
      backfillId: 'bench',
      fromTime: null,
      toTime: null,
      offsetRanges: [],
      modelVersion: 'champion',
      targets: ['TOPIC'],
      maxRatePerSecond: null,
      requestedBy: 'bench',
    });
    const deadline = Date.now() + 900_000;
    let lastReport = Date.now();
    while (!completed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        console.log(
          `waiting: prefix ${prefix}, first checkpoint ${startedAt > 0 ? 'seen' : 'not yet'}`,
        );
      }
    }
    await watcher.disconnect();
    const end = completed as BackfillCompleted | null;
    if (!end) throw new Error('the backfill did not end in 15 minutes');
    const seconds = (end.envelope.occurredAt - startedAt) / 1000;
    const rate = end.processed / seconds;
    console.log(
      `${end.status}: ${end.processed} encounters re-scored in ${seconds.toFixed(1)} s after the first checkpoint (${((startedAt - requestedAt) / 1000).toFixed(1)} s to start) = ${Math.round(rate)} encounters/s`,
    );
    console.log(`CPU while it ran: ${runCpuReport}`);
    return {
      status: end.status,
      processed: end.processed,
      seconds,
      toStartSeconds: (startedAt - requestedAt) / 1000,
      perSecond: rate,
      kafka,
      prefix,
      count: rows.length,
    };
  } finally {
    backfill?.kill('SIGTERM');
    await publisher.disconnect();
  }
}

async function main() {
  // Parsed here, not on import: bench/sealing.bench.ts has options of its own.
  const { values } = parseArgs({
    options: {
      encounters: { type: 'string', default: '100000' },
      chunk: { type: 'string', default: '5000' },
      model: { type: 'string', default: 'gbdt' },
    },
  });
  const ENCOUNTERS = Number(values.encounters);
  const CHUNK = Number(values.chunk);
  const ALGORITHM = values.model === 'logistic' ? 'logistic_regression' : 'gbdt';
  const command = `npx tsx bench/backfill-throughput.bench.ts --encounters ${ENCOUNTERS} --chunk ${CHUNK} --model ${values.model}`;
  console.log(command);
  const trained = trainBenchModel(ALGORITHM);
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-backfill-'));
  try {
    const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
      'readmission',
      'bench',
      trained.artifact,
    );
    console.log(
      `model: ${trained.info.algorithm} ${JSON.stringify(trained.info.params)}, ${Math.round(trained.artifact.length / 1024)} KiB`,
    );
    const run = await backfillRun({
      encounters: ENCOUNTERS,
      chunk: CHUNK,
      artifactsRoot: root,
      model: stored,
    });
    const { kafka, prefix, perSecond: rate } = run;
    const floorCpu = new CpuMeter({ copy: process.pid, broker: localBrokerPid(PROJECT_ROOT) });
    // The same log copied by plain kafkajs in transactions of the same chunk: the floor.
    const floor = await transactionalCopy({
      kafka,
      source: physical(TOPICS.encounters, prefix),
      target: `${prefix}bench-copy`,
      chunk: CHUNK,
      count: run.count,
    });
    console.log(
      `floor: plain kafkajs copies the same ${run.count} records in transactions of ${CHUNK} at ${Math.round(floor)} records/s; backfill / floor = ${(rate / floor).toFixed(2)}`,
    );
    console.log(`CPU while the floor ran: ${floorCpu.report()}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

// Run as a script; imported by bench/sealing.bench.ts for backfillRun.
if (require.main === module) void main();
