// What a replicated cluster costs: stream scoring and a backfill on one Kafka node against a
// cluster of three with replication factor 3 and min ISR 2 (acks=all waits for two copies),
// both started here from the local platform's jars, in one run, as a ratio.
//   npx tsx bench/replicated-kafka.bench.ts [--encounters 30000] [--batch 500] [--chunk 2000]
// Needs the local platform's schema registry (`./readmit infra up`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import {
  startDisposableKafka,
  startDisposableKafkaCluster,
} from '../test/support/disposable-kafka';
import { trainBenchModel } from './support/bench-model';
import {
  measureScoringAndBackfill,
  type ScoringAndBackfillRates,
} from './support/scoring-and-backfill';

const { values } = parseArgs({
  options: {
    encounters: { type: 'string', default: '30000' },
    batch: { type: 'string', default: '500' },
    chunk: { type: 'string', default: '2000' },
  },
});
const ENCOUNTERS = Number(values.encounters);
const BATCH = Number(values.batch);
const CHUNK = Number(values.chunk);

async function main() {
  console.log(
    `npx tsx bench/replicated-kafka.bench.ts --encounters ${ENCOUNTERS} --batch ${BATCH} --chunk ${CHUNK}`,
  );
  const trained = trainBenchModel();
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-replicated-'));
  const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
    'readmission',
    'bench',
    trained.artifact,
  );
  const model = { root, ...stored };
  const sizes = { encounters: ENCOUNTERS, batch: BATCH, chunk: CHUNK };
  const single = await startDisposableKafka();
  let one: ScoringAndBackfillRates;
  try {
    one = await measureScoringAndBackfill(
      '1 node, RF 1',
      { brokers: single.brokers, kafka: single.client('bench-single') },
      model,
      sizes,
    );
  } finally {
    await single.destroy();
  }
  const cluster = await startDisposableKafkaCluster(3);
  let three: ScoringAndBackfillRates;
  try {
    three = await measureScoringAndBackfill(
      '3 nodes, RF 3, min ISR 2',
      { brokers: cluster.brokers, kafka: cluster.client('bench-cluster') },
      model,
      sizes,
    );
  } finally {
    await cluster.destroy();
    rmSync(root, { recursive: true, force: true });
  }
  console.log(
    `3 nodes RF 3 / 1 node: stream scoring ×${(three.scoring / one.scoring).toFixed(2)}, backfill ×${(three.backfill / one.backfill).toFixed(2)}`,
  );
  process.exit(0);
}

void main();
