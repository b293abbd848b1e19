import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  DatasetExportError,
  exportDataset,
  readTrainingLog,
  TRAINER_SEED,
  type DatasetManifest,
} from '@readmit/trainer';
import { InfraError } from '../infra/infra-error';
import { InfraManager } from '../infra/infra-manager';
import { withCliSealing } from './cli-sealing';
import { createInfraContext } from './infra.command';
import { cliKafka, cliSerde } from './topics.command';
import { parseTask, parseTime } from './train.command';

export interface DatasetsExportOptions {
  task: 'within-30-days' | 'any';
  asOf?: number;
  out: string;
  seed: number;
  prefix: string;
  brokers?: string;
  registry?: string;
  /** No progress lines: the caller prints its own. */
  quiet?: boolean;
}

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(`'${value}' is not an integer`);
  return seed;
}

export function datasetsCommand(): Command {
  const datasets = new Command('datasets').description(
    "the trainer's point-in-time, patient-grouped training sets",
  );
  datasets
    .command('export')
    .description(
      'write the training, validation and holdout sets a training run would use as Parquet, with the feature spec and a manifest (log offsets, digest)',
    )
    .option('--task <task>', 'within-30-days or any', parseTask, 'within-30-days')
    .option('--as-of <time>', 'what was known at this time (default: now)', parseTime)
    .option('--out <dir>', 'directory to write into', 'dataset')
    .option('--seed <n>', "the split's seed (the trainer's is 1)", parseSeed, TRAINER_SEED)
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)')
    .action(async (options: DatasetsExportOptions) => {
      const manifest = await exportDatasets(options);
      console.log(
        `${manifest.exportId}: ${manifest.rows.train} / ${manifest.rows.validation} / ${manifest.rows.holdout} rows (train / validation / holdout), feature spec ${manifest.featureSpecId}, in ${resolve(options.out)}`,
      );
    });
  return datasets;
}

/** Reads the log (opening sealed events with the CLI's keys) and writes the export's files. */
export async function exportDatasets(options: DatasetsExportOptions): Promise<DatasetManifest> {
  return withCliSealing(true, async (sealer) => {
    const infra = new InfraManager(createInfraContext());
    const kafka = cliKafka(options.brokers);
    const serde = cliSerde(options.registry ?? infra.component('schema-registry').endpoint(), {
      topicPrefix: options.prefix,
      sealer,
    });
    if (!options.quiet) console.error('reading patient.encounters and patient.outcomes…');
    const log = await readTrainingLog(kafka, serde, options.prefix);
    if (!options.quiet)
      console.error(
        `${log.encounters.length} encounters and ${log.outcomes.length} outcomes read; building the sets…`,
      );
    const exported = await exportDataset(log, {
      task: options.task === 'any' ? 'ANY_READMISSION' : 'WITHIN_30_DAYS',
      asOf: options.asOf ?? Date.now(),
      seed: options.seed,
    }).catch((error: unknown) => {
      throw error instanceof DatasetExportError ? new InfraError(error.message) : error;
    });
    mkdirSync(options.out, { recursive: true });
    for (const file of exported.files) writeFileSync(join(options.out, file.name), file.bytes);
    return exported.manifest;
  });
}
