import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { startDisposableKafka } from '../../test/support/disposable-kafka';
import { backfillRun } from '../backfill-throughput.bench';
import { scoringRound, type BenchCluster } from '../scoring-throughput.bench';
import { trainBenchModel } from './bench-model';

/** Encounters/s of one scoring process and of one backfill on a Kafka. */
export interface ScoringAndBackfillRates {
  readonly scoring: number;
  readonly backfill: number;
}

/**
 * One scoring process (transactions of `batch`) and then one backfill (chunks of `chunk`) over
 * `encounters` each, against `cluster`; prints each rate under `name`. For benches that compare
 * Kafka setups (replication, security) in one run.
 */
export async function measureScoringAndBackfill(
  name: string,
  cluster: BenchCluster,
  model: { readonly root: string; readonly uri: string; readonly sha256: string },
  sizes: { readonly encounters: number; readonly batch: number; readonly chunk: number },
): Promise<ScoringAndBackfillRates> {
  const scoring = await scoringRound(1, model.root, model, {
    encounters: sizes.encounters,
    batch: sizes.batch,
    cluster,
  });
  console.log(
    `${name}: stream scoring ${Math.round(scoring.perSecond)} encounters/s (${scoring.encounters} in ${scoring.scoringSeconds.toFixed(1)} s)`,
  );
  const backfill = await backfillRun({
    encounters: sizes.encounters,
    chunk: sizes.chunk,
    artifactsRoot: model.root,
    model,
    cluster,
  });
  console.log(
    `${name}: backfill ${Math.round(backfill.perSecond)} encounters/s (${backfill.processed} in ${backfill.seconds.toFixed(1)} s)`,
  );
  return { scoring: scoring.perSecond, backfill: backfill.perSecond };
}

/** A Kafka a comparison bench starts, measures, then destroys. */
export interface KafkaSetup {
  readonly name: string;
  readonly start: () => Promise<{
    readonly cluster: BenchCluster;
    readonly destroy: () => Promise<void>;
  }>;
}

/** One plaintext broker of the bench's own, without replication: the baseline of a comparison. */
export function singlePlaintextBroker(name: string): KafkaSetup {
  return {
    name,
    start: async () => {
      const broker = await startDisposableKafka();
      return {
        cluster: { brokers: broker.brokers, kafka: broker.client('bench-baseline') },
        destroy: () => broker.destroy(),
      };
    },
  };
}

/**
 * The main of a bench comparing two Kafka setups: reads --encounters, --batch and --chunk,
 * prints the command, trains the bench model, measures `baseline` then `variant` (each started
 * and destroyed in turn) and prints their ratio under `ratioLabel`.
 */
export async function compareKafkaSetups(
  script: string,
  ratioLabel: string,
  baseline: KafkaSetup,
  variant: KafkaSetup,
): Promise<void> {
  const { values } = parseArgs({
    options: {
      encounters: { type: 'string', default: '30000' },
      batch: { type: 'string', default: '500' },
      chunk: { type: 'string', default: '2000' },
    },
  });
  const sizes = {
    encounters: Number(values.encounters),
    batch: Number(values.batch),
    chunk: Number(values.chunk),
  };
  console.log(
    `npx tsx ${script} --encounters ${sizes.encounters} --batch ${sizes.batch} --chunk ${sizes.chunk}`,
  );
  const trained = trainBenchModel();
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-kafka-'));
  try {
    const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
      'readmission',
      'bench',
      trained.artifact,
    );
    const model = { root, ...stored };
    const measure = async (setup: KafkaSetup): Promise<ScoringAndBackfillRates> => {
      const { cluster, destroy } = await setup.start();
      try {
        return await measureScoringAndBackfill(setup.name, cluster, model, sizes);
      } finally {
        await destroy();
      }
    };
    const before = await measure(baseline);
    const after = await measure(variant);
    console.log(
      `${ratioLabel}: stream scoring ×${(after.scoring / before.scoring).toFixed(2)}, backfill ×${(after.backfill / before.backfill).toFixed(2)}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
