import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { TOPICS, topicName } from '@readmit/contracts';
import {
  KafkaMetrics,
  MissingTopicsError,
  OffThreadPublisher,
  assertTopicsExist,
  newEnvelope,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import { PseudonymKey, Pseudonymizer, pseudonymizerFromEnv } from '@readmit/platform/privacy';
import {
  parseDriftSpec,
  parseIdsMapping,
  syntheticRows,
  UCI_SAMPLE_PROFILE,
  type DriftSpec,
} from '@readmit/ml';
import {
  loadEncounters,
  readEncounterCsv,
  type CsvEncounterRow,
  type LoadReport,
} from '@readmit/ingest';
import { Registry } from 'prom-client';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { cliSealing } from './cli-sealing';
import { fhirDirectoryInput, type FhirDirectoryInput } from './fhir-input';
import { createInfraContext } from './infra.command';
import { cliKafka, cliKafkaSecurity, cliSerde } from './topics.command';

const PRODUCER = 'readmit-cli@0.1.0';

/** `250ms`, `10s`, `5m`, `1h` or a number of milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`'${value}' is not a duration like 500ms, 10s, 5m or 1h`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms'] as number;
  return Number(match[1]) * unit;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return number;
}

function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError(`'${value}' is not a whole number`);
  return number;
}

function parseDrift(value: string): DriftSpec {
  try {
    return parseDriftSpec(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export interface ProduceOptions {
  csv?: string;
  /** A FHIR Bulk Data export directory (NDJSON files) or a directory of bundles. */
  fhir?: string;
  synthetic?: number;
  seed: number;
  drift?: DriftSpec;
  idsMapping?: string;
  rate?: number;
  outcomeDelay?: number;
  brokers?: string;
  registry?: string;
  prefix: string;
  /**
   * The site key (base64) that identifiers are pseudonymised under; READMIT_PSEUDONYM_KEY when
   * absent. Never a command-line option: arguments are visible to every user of the machine.
   */
  pseudonymKey?: string;
  /**
   * Seal the clinical fields under patients' data keys (docs/security.md): the KEK
   * (READMIT_KEK's form) and the database that holds the keys, as the services see them. When
   * absent, READMIT_KEK, READMIT_DATABASE_URL and READMIT_DATABASE_SCHEMA decide; no KEK, no
   * sealing.
   */
  sealing?: { kek: string; databaseUrl: string; databaseSchema: string };
}

export function produceCommand(): Command {
  return new Command('produce')
    .description(
      'publish encounters (and their outcomes) to Kafka, from the UCI CSV file or a synthetic stream',
    )
    .option('--csv <file>', 'diabetic_data.csv (the full UCI file unchanged, or the sample)')
    .option(
      '--fhir <dir>',
      'a FHIR R4 Bulk Data export (Patient.ndjson, Encounter.ndjson, …) or a directory of bundles (docs/fhir-mapping.md)',
    )
    .option(
      '--synthetic <count>',
      'generate this many realistic encounters (fitted on the UCI sample)',
      parseCount,
    )
    .option(
      '--seed <seed>',
      'seed of the synthetic stream (same seed, same encounters)',
      parseCount,
      1,
    )
    .option(
      '--drift <spec>',
      'inject drift into the synthetic stream, e.g. at=50000,age=0.5,emergency=0.3,a1c=0.4,concept=0.5',
      parseDrift,
    )
    .option(
      '--ids-mapping <file>',
      'IDs_mapping.csv to check id columns against (default: beside the CSV)',
    )
    .option(
      '--rate <perSecond>',
      'encounters per second at most (default: as fast as possible)',
      parsePositive,
    )
    .option(
      '--outcome-delay <duration>',
      'publish each outcome this long after its encounter, e.g. 10s',
      parseDuration,
    )
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)')
    .option('--prefix <prefix>', 'topic name prefix', '')
    .action(async (options: ProduceOptions) => {
      const inputs = [options.csv, options.fhir, options.synthetic].filter((x) => x !== undefined);
      if (inputs.length !== 1) {
        throw new InfraError(
          'say what to produce, once: --csv <file>, --fhir <dir> or --synthetic <count>',
        );
      }
      if (options.csv && !existsSync(options.csv))
        throw new InfraError(`no such file: ${options.csv}`);
      if (options.drift && options.synthetic === undefined)
        throw new InfraError('--drift applies to --synthetic streams');
      pseudonymizerOf(options); // fail fast, before any connection, without a key
      const report = await produceEvents(options);
      printSummary(report);
      process.exitCode = report.encounters > 0 || options.synthetic === 0 ? 0 : 1;
    });
}

interface ProduceInput {
  readonly rows: AsyncIterable<CsvEncounterRow>;
  readonly source: string;
  readonly description: string;
  /** Progress in the input's own unit: bytes of a file, encounters of a synthetic stream. */
  readonly total: number;
  readonly done: (report: LoadReport) => number;
}

/** Identifiers are pseudonymised before anything is published: under the given key or the environment's. */
function pseudonymizerOf(options: ProduceOptions): Pseudonymizer {
  return options.pseudonymKey
    ? new Pseudonymizer(PseudonymKey.fromBase64(options.pseudonymKey))
    : pseudonymizerFromEnv('readmit produce', process.env);
}

function csvInput(file: string, pseudonymizer: Pseudonymizer, idsMapping?: string): ProduceInput {
  const mappingFile = idsMapping ?? join(dirname(file), 'IDs_mapping.csv');
  const mapping = existsSync(mappingFile)
    ? parseIdsMapping(readFileSync(mappingFile, 'utf8'))
    : undefined;
  const size = statSync(file).size;
  const stream = createReadStream(file);
  return {
    rows: readEncounterCsv(stream, pseudonymizer.pseudonymize, mapping),
    source: `csv:${basename(file)}`,
    description: `producing ${basename(file)} (${(size / 1e6).toFixed(1)} MB)${mapping ? ` with ids checked against ${basename(mappingFile)}` : ''}`,
    total: size,
    done: () => stream.bytesRead,
  };
}

async function fhirInput(directory: string, pseudonymizer: Pseudonymizer): Promise<ProduceInput> {
  const read = await fhirDirectoryInput(directory, pseudonymizer.pseudonymize, {
    patientIdentifierSystem: process.env.READMIT_FHIR_PATIENT_IDENTIFIER_SYSTEM,
    encounterIdentifierSystem: process.env.READMIT_FHIR_ENCOUNTER_IDENTIFIER_SYSTEM,
  });
  printFhirSummary(read);
  return {
    rows: (async function* () {
      yield* read.rows;
    })(),
    source: `fhir:${basename(directory)}`,
    description: `producing ${read.rows.length} encounters mapped from ${read.resources} FHIR resources in ${read.files} files`,
    total: read.rows.length,
    done: (report) => report.rows,
  };
}

/** What the mapping left out, before anything is published: issues, exclusions, unmapped codes. */
function printFhirSummary(read: FhirDirectoryInput): void {
  const excluded = Object.entries(read.excluded).filter(([, count]) => count > 0);
  if (excluded.length > 0)
    console.error(
      `encounters not in the cohort: ${excluded.map(([reason, count]) => `${reason} ${count}`).join(', ')}`,
    );
  const unmapped = Object.entries(read.unmapped);
  if (unmapped.length > 0)
    console.error(
      `codes no mapping table holds: ${unmapped.map(([code, count]) => `${code} ${count}`).join(', ')}`,
    );
  for (const issue of read.issues.slice(0, 20))
    console.error(`  ${issue.expression?.[0] ?? ''}: ${issue.diagnostics ?? issue.code}`);
  if (read.issues.length > 20) console.error(`  … and ${read.issues.length - 20} more issues`);
}

function syntheticInput(
  count: number,
  seed: number,
  pseudonymizer: Pseudonymizer,
  drift?: DriftSpec,
): ProduceInput {
  return {
    rows: syntheticRows(UCI_SAMPLE_PROFILE, count, seed, pseudonymizer.pseudonymize, drift),
    source: `synthetic:seed=${seed}`,
    description: `producing ${count} synthetic encounters (seed ${seed}${drift ? `, drift from encounter ${drift.from}` : ''})`,
    total: count,
    done: (report) => report.rows,
  };
}

export async function produceEvents(options: ProduceOptions): Promise<LoadReport> {
  const pseudonymizer = pseudonymizerOf(options);
  const registryUrl =
    options.registry ??
    new InfraManager(createInfraContext()).component('schema-registry').endpoint();
  const logger = createLogger({ service: 'readmit-cli', level: 'fatal' });
  const brokers =
    options.brokers ?? new InfraManager(createInfraContext()).component('kafka').endpoint();
  const kafka = cliKafka(brokers);
  await assertTopicsExist(
    kafka,
    [TOPICS.encounters, TOPICS.outcomes].map((topic) => topicName(topic, options.prefix)),
  ).catch((error: unknown) => {
    throw error instanceof MissingTopicsError ? new InfraError(error.message) : error;
  });
  const sealing = await cliSealing(options.sealing);
  const serde = cliSerde(registryUrl, {
    topicPrefix: options.prefix,
    sealer: sealing?.sealer,
  });
  await serde.register(['EncounterRecorded', 'OutcomeRecorded']);
  const publisher = new OffThreadPublisher(serde, KafkaMetrics.for(new Registry()), logger, {
    brokers: brokers.split(','),
    clientId: 'readmit-cli',
    security: cliKafkaSecurity(),
    topicPrefix: options.prefix,
    // kafkajs logs retriable hiccups as errors; real failures are thrown.
    logLevel: 'fatal',
  });

  const input = options.csv
    ? csvInput(options.csv, pseudonymizer, options.idsMapping)
    : options.fhir
      ? await fhirInput(options.fhir, pseudonymizer)
      : syntheticInput(options.synthetic ?? 0, options.seed, pseudonymizer, options.drift);
  const correlationId = randomUUID();
  const progress = progressReporter(input.total, input.done);
  console.error(input.description);
  try {
    return await loadEncounters(
      input.rows,
      (events) => publisher.publishAll(events),
      {
        source: input.source,
        envelopeFor: (eventType, causedBy) =>
          newEnvelope(eventType, { producer: PRODUCER, correlationId, causedBy }),
        now: Date.now,
        maxRatePerSecond: options.rate,
        outcomeDelayMs: options.outcomeDelay,
        flush: () => publisher.flush(),
      },
      progress.update,
    );
  } finally {
    progress.stop();
    await publisher.disconnect();
    await sealing?.close();
  }
}

function progressReporter(total: number, done: (report: LoadReport) => number) {
  const started = Date.now();
  const rate = (report: LoadReport) =>
    Math.round(report.encounters / Math.max(0.001, (Date.now() - started) / 1000));
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format:
          '{bar} {percentage}% | {rows} rows | {rejected} rejected | {rate} encounters/s | ETA {eta}s',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { rows: 0, rejected: 0, rate: 0 });
    return {
      update: (report: LoadReport) =>
        bar.update(done(report), {
          rows: report.rows,
          rejected: report.rejected,
          rate: rate(report),
        }),
      stop: () => {
        bar.update(total);
        bar.stop();
      },
    };
  }
  let lastLine = started;
  return {
    update: (report: LoadReport) => {
      if (Date.now() - lastLine < 5_000) return;
      lastLine = Date.now();
      console.error(
        `${Math.round((100 * done(report)) / Math.max(total, 1))}% | ${report.rows} rows | ${report.rejected} rejected | ${rate(report)} encounters/s`,
      );
    },
    stop: () => undefined,
  };
}

export function printSummary(report: LoadReport): void {
  const seconds = report.durationMs / 1000;
  console.log(
    `rows: ${report.rows}, encounters published: ${report.encounters}, outcomes published: ${report.outcomes}, rejected rows: ${report.rejected}`,
  );
  console.log(
    `took ${seconds.toFixed(1)} s (${Math.round(report.encounters / Math.max(seconds, 0.001))} encounters/s)`,
  );
  for (const rejection of report.rejections.slice(0, 20)) {
    console.log(
      `  line ${rejection.line}: ${rejection.errors.map((error) => `${error.field}: ${error.message}`).join('; ')}`,
    );
  }
  if (report.rejected > 20) console.log(`  … and ${report.rejected - 20} more rejected rows`);
}
