import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { describeErrorBody, trainerClient } from '@readmit/platform/api-client';
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
  /** The trainer's REST API: the export is built there, as READMIT_API_KEY's principal. */
  api?: string;
}

/** How long the trainer may take to build an export (it reads the whole log) and send a file. */
const API_EXPORT_TIMEOUT_MS = 10 * 60_000;

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
    .option(
      '--api <url>',
      "build the export in the trainer service (its REST API, default READMIT_TRAINER_API) as READMIT_API_KEY's principal, with the trainer's seed, and download its files",
      process.env.READMIT_TRAINER_API,
    )
    .action(async (options: DatasetsExportOptions, command: Command) => {
      if (options.api && command.getOptionValueSource('seed') === 'cli')
        throw new InfraError("--seed is not taken with --api: the trainer's export uses its seed");
      const manifest = options.api
        ? await exportThroughApi(options.api, process.env, options)
        : await exportDatasets(options);
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

/**
 * Builds the export in the trainer service and downloads its files (the manifest, the Parquet
 * sets, the feature spec) into `options.out`, through the typed client of the trainer's API.
 */
export async function exportThroughApi(
  baseUrl: string,
  env: NodeJS.ProcessEnv,
  options: Pick<DatasetsExportOptions, 'task' | 'asOf' | 'out' | 'quiet'>,
  fetch?: (request: Request) => Promise<Response>,
): Promise<DatasetManifest> {
  const apiKey = env.READMIT_API_KEY;
  if (!apiKey)
    throw new InfraError(
      'exporting through the trainer API needs an API key with the read role in READMIT_API_KEY (create one with `readmit keys create`)',
    );
  const trainer = trainerClient({ baseUrl, apiKey, timeoutMs: API_EXPORT_TIMEOUT_MS, fetch });
  const unreachable = (error: unknown): never => {
    throw new InfraError(`cannot reach the trainer API at ${baseUrl}: ${(error as Error).message}`);
  };
  if (!options.quiet) console.error(`asking the trainer at ${baseUrl} for the export…`);
  const created = await trainer
    .POST('/v1/datasets/exports', {
      body: {
        task: options.task,
        ...(options.asOf !== undefined && { asOf: new Date(options.asOf).toISOString() }),
      },
    })
    .catch(unreachable);
  if (created.data === undefined)
    throw new InfraError(
      `the trainer answered ${created.response.status}: ${describeErrorBody(created.error)}`,
    );
  // The document gives the answer no schema yet (a JSON object): it is the trainer's manifest
  // with a link to each file.
  const manifest = created.data as unknown as DatasetManifest & { links: Record<string, string> };
  mkdirSync(options.out, { recursive: true });
  for (const file of Object.keys(manifest.links)) {
    const got = await trainer
      .GET('/v1/datasets/exports/{exportId}/{file}', {
        params: { path: { exportId: manifest.exportId, file } },
        parseAs: 'arrayBuffer',
      })
      .catch(unreachable);
    if (got.data === undefined)
      throw new InfraError(
        `the trainer answered ${got.response.status} for ${file}: ${describeErrorBody(got.error)}`,
      );
    writeFileSync(join(options.out, file), Buffer.from(got.data));
  }
  const { links: _links, ...exported } = manifest;
  return exported;
}
