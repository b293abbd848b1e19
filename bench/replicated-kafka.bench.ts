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
  type DisposableKafka,
} from '../test/support/disposable-kafka';
import { backfillRun } from './backfill-throughput.bench';
import { scoringRound } from './scoring-throughput.bench';
import { trainBenchModel } from './support/bench-model';

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

async function measure(
  name: string,
  kafka: DisposableKafka,
  root: string,
  model: { uri: string; sha256: string },
) {
  const cluster = { brokers: kafka.brokers, kafka: kafka.client(`bench-${name}`) };
  const scoring = await scoringRound(1, root, model, {
    encounters: ENCOUNTERS,
    batch: BATCH,
    cluster,
  });
  console.log(
    `${name}: stream scoring ${Math.round(scoring.perSecond)} encounters/s (${scoring.encounters} in ${scoring.scoringSeconds.toFixed(1)} s)`,
  );
  const backfill = await backfillRun({
    encounters: ENCOUNTERS,
    chunk: CHUNK,
    artifactsRoot: root,
    model,
    cluster,
  });
  console.log(
    `${name}: backfill ${Math.round(backfill.perSecond)} encounters/s (${backfill.processed} in ${backfill.seconds.toFixed(1)} s)`,
  );
  return { scoring: scoring.perSecond, backfill: backfill.perSecond };
}

async function main() {
  console.log(
    `npx tsx bench/replicated-kafka.bench.ts --encounters ${ENCOUNTERS} --batch ${BATCH} --chunk ${CHUNK}`,
  );
  const trained = trainBenchModel();
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-replicated-'));
  const model = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
    'readmission',
    'bench',
    trained.artifact,
  );
  const single = await startDisposableKafka();
  let one: { scoring: number; backfill: number };
  try {
    one = await measure('1 node, RF 1', single, root, model);
  } finally {
    await single.destroy();
  }
  const cluster = await startDisposableKafkaCluster(3);
  let three: { scoring: number; backfill: number };
  try {
    three = await measure('3 nodes, RF 3, min ISR 2', cluster, root, model);
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
