// Stream scoring throughput, end to end through Kafka: a backlog of encounters on
// patient.encounters is scored by 1, then 2, scoring processes (same consumer group, one
// transactional id each), exactly once, with a GBDT trained here as the trainer trains it.
//   npx tsx bench/scoring-throughput.bench.ts [--encounters 100000] [--batch 500]
// Needs the local platform (`./readmit infra up`).
import { mkdtempSync, rmSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { EXAMPLE_EVENTS, TOPICS, type EncounterRecorded } from '@readmit/contracts';
import { newEnvelope, type OutgoingEvent } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { isolatedEventStreams, physical } from '../test/support/kafka';
import { startFixture } from '../test/support/processes';
import { syntheticEncounters, trainBenchModel } from './support/bench-model';
import { sealingPublisher, type BenchSealing } from './support/sealing';
import { encounterPseudonym } from '../test/support/pseudonyms';

export interface ScoringRoundOptions {
  readonly encounters: number;
  readonly batch: number;
  /** Seal the backlog and have the scorers open it (bench/sealing.bench.ts). */
  readonly sealing?: BenchSealing;
  /** Another Kafka than the local platform's (bench/replicated-kafka.bench.ts). */
  readonly cluster?: BenchCluster;
}

/** A Kafka of a bench's own: its bootstrap brokers and a client of it. */
export interface BenchCluster {
  readonly brokers: readonly string[];
  readonly kafka: Kafka;
  /** What the fixture processes need to reach it (READMIT_KAFKA_TLS, _SASL_…). */
  readonly fixtureEnv?: Readonly<Record<string, string>>;
}

/**
 * `options.encounters` synthetic encounters on patient.encounters, scored by `instances` scoring
 * processes: the rate of committed predictions, from the first to the last.
 */
export async function scoringRound(
  instances: number,
  artifactsRoot: string,
  model: { uri: string; sha256: string },
  options: ScoringRoundOptions,
) {
  const streams = await isolatedEventStreams(
    [TOPICS.encounters, TOPICS.predictions, TOPICS.shadowPredictions, TOPICS.models],
    ['EncounterRecorded', 'PredictionMade', 'ModelPromoted'],
    options.cluster?.kafka,
  );
  const { kafka, prefix, publisher } = streams;
  const backlog = options.sealing
    ? await sealingPublisher(kafka, prefix, options.sealing.sealer, ['EncounterRecorded'])
    : publisher;
  // The backlog, published before any scorer runs.
  const rows = syntheticEncounters(options.encounters, 7);
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
    artifactUri: model.uri,
    artifactSha256: model.sha256,
  });

  // Count committed predictions as they appear.
  let seen = 0;
  let first = 0;
  let last = 0;
  const watcher = kafka.consumer({ groupId: uniqueName('bench-watch'), readUncommitted: false });
  await watcher.connect();
  await watcher.subscribe({ topic: physical(TOPICS.predictions, prefix), fromBeginning: true });
  await watcher.run({
    eachBatch: async ({ batch }) => {
      if (seen === 0) first = performance.now();
      seen += batch.messages.length;
      last = performance.now();
    },
  });

  const { schemaRegistryUrl } = testEndpoints();
  const kafkaBrokers = options.cluster?.brokers ?? testEndpoints().kafkaBrokers;
  const group = uniqueName('bench-scoring');
  const scorers: ChildProcess[] = [];
  const started = performance.now();
  for (let index = 0; index < instances; index++)
    scorers.push(
      startFixture('scoring-process', {
        BROKERS: kafkaBrokers.join(','),
        REGISTRY_URL: schemaRegistryUrl,
        PREFIX: prefix,
        ARTIFACTS: artifactsRoot,
        GROUP: group,
        TRANSACTIONAL_ID: `${group}-${index}`,
        BATCH: String(options.batch),
        ...options.sealing?.fixtureEnv,
        ...options.cluster?.fixtureEnv,
      }),
    );
  try {
    const deadline = Date.now() + 600_000;
    while (seen < rows.length && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    // Startup (process, model load, group join) is before the first prediction; the rate is
    // measured from the first committed prediction to the last.
    const steady = (seen - 1) / ((last - first) / 1000);
    return {
      instances,
      encounters: seen,
      toFirstSeconds: (first - started) / 1000,
      scoringSeconds: (last - first) / 1000,
      perSecond: steady,
    };
  } finally {
    for (const scorer of scorers) scorer.kill('SIGTERM');
    await watcher.disconnect();
    await publisher.disconnect();
  }
}

async function main() {
  // Parsed here, not on import: bench/sealing.bench.ts has options of its own.
  const { values } = parseArgs({
    options: {
      encounters: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '2000' },
    },
  });
  const ENCOUNTERS = Number(values.encounters);
  const BATCH = Number(values.batch);
  const command = `npx tsx bench/scoring-throughput.bench.ts --encounters ${ENCOUNTERS} --batch ${BATCH}`;
  console.log(command);
  const trained = trainBenchModel();
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-scoring-'));
  try {
    const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
      'readmission',
      'bench',
      trained.artifact,
    );
    console.log(
      `model: ${trained.info.algorithm} ${JSON.stringify(trained.info.params)}, ${Math.round(trained.artifact.length / 1024)} KiB, ${trained.metrics.roc_auc.toFixed(3)} holdout AUC`,
    );
    const results = [];
    for (const instances of [1, 2]) {
      const result = await scoringRound(instances, root, stored, {
        encounters: ENCOUNTERS,
        batch: BATCH,
      });
      results.push(result);
      console.log(
        `${instances} scoring process${instances > 1 ? 'es' : ''}: ${result.encounters} encounters in ${result.scoringSeconds.toFixed(1)} s after the first prediction (${result.toFirstSeconds.toFixed(1)} s to start) = ${Math.round(result.perSecond)} encounters/s`,
      );
    }
    console.log(`2 vs 1 processes: ×${(results[1].perSecond / results[0].perSecond).toFixed(2)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

// Run as a script; imported by bench/sealing.bench.ts for scoringRound.
if (require.main === module) void main();
