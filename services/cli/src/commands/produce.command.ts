import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { TOPICS, topicName } from '@readmit/contracts';
import {
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  MissingTopicsError,
  assertTopicsExist,
  createKafkaClient,
  createLogger,
  newEnvelope,
} from '@readmit/platform';
import { Registry } from 'prom-client';
import { parseIdsMapping } from '../../../ingest/src/domain/ids-mapping';
import {
  loadEncounters,
  type LoadReport,
} from '../../../ingest/src/application/load-encounters/load-encounters';
import { readEncounterCsv } from '../../../ingest/src/infrastructure/csv-encounter-reader';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { createInfraContext } from './infra.command';

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

interface ProduceOptions {
  csv?: string;
  idsMapping?: string;
  rate?: number;
  outcomeDelay?: number;
  brokers?: string;
  registry?: string;
  prefix: string;
}

export function produceCommand(): Command {
  return new Command('produce')
    .description('publish encounters (and their outcomes) to Kafka from the UCI CSV file')
    .option('--csv <file>', 'diabetic_data.csv (the full UCI file unchanged, or the sample)')
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
      if (!options.csv)
        throw new InfraError('say what to produce: --csv <file> (synthetic data is not built yet)');
      if (!existsSync(options.csv)) throw new InfraError(`no such file: ${options.csv}`);
      const report = await produceCsv(options.csv, options);
      printSummary(report);
      process.exitCode = report.encounters > 0 ? 0 : 1;
    });
}

async function produceCsv(file: string, options: ProduceOptions): Promise<LoadReport> {
  const infra = new InfraManager(createInfraContext());
  const brokers = options.brokers ?? infra.component('kafka').endpoint();
  const registryUrl = options.registry ?? infra.component('schema-registry').endpoint();
  const mappingFile = options.idsMapping ?? join(dirname(file), 'IDs_mapping.csv');
  const mapping = existsSync(mappingFile)
    ? parseIdsMapping(readFileSync(mappingFile, 'utf8'))
    : undefined;

  const logger = createLogger({ service: 'readmit-cli', level: 'error' });
  const kafka = createKafkaClient({ brokers: brokers.split(','), clientId: 'readmit-cli' }, logger);
  await assertTopicsExist(
    kafka,
    [TOPICS.encounters, TOPICS.outcomes].map((topic) => topicName(topic, options.prefix)),
  ).catch((error: unknown) => {
    throw error instanceof MissingTopicsError ? new InfraError(error.message) : error;
  });
  const serde = EventSerde.create(registryUrl, { topicPrefix: options.prefix });
  await serde.register(['EncounterRecorded', 'OutcomeRecorded']);
  const publisher = new EventPublisher(
    kafka,
    serde,
    KafkaMetrics.for(new Registry()),
    logger,
    options.prefix,
  );

  const size = statSync(file).size;
  const input = createReadStream(file);
  const correlationId = randomUUID();
  const progress = progressReporter(size, () => input.bytesRead);
  console.error(
    `producing ${basename(file)} (${(size / 1e6).toFixed(1)} MB)${mapping ? ` with ids checked against ${basename(mappingFile)}` : ''}`,
  );
  try {
    return await loadEncounters(
      readEncounterCsv(input, mapping),
      async (events) => void (await publisher.publishAll(events)),
      {
        source: `csv:${basename(file)}`,
        envelopeFor: (eventType, causedBy) =>
          newEnvelope(eventType, { producer: PRODUCER, correlationId, causedBy }),
        now: Date.now,
        maxRatePerSecond: options.rate,
        outcomeDelayMs: options.outcomeDelay,
      },
      progress.update,
    );
  } finally {
    progress.stop();
    await publisher.disconnect();
  }
}

/** A progress bar on a terminal; a line every few seconds otherwise (CI logs). */
function progressReporter(totalBytes: number, bytesRead: () => number) {
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
    bar.start(totalBytes, 0, { rows: 0, rejected: 0, rate: 0 });
    return {
      update: (report: LoadReport) =>
        bar.update(bytesRead(), {
          rows: report.rows,
          rejected: report.rejected,
          rate: rate(report),
        }),
      stop: () => {
        bar.update(totalBytes);
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
        `${Math.round((100 * bytesRead()) / totalBytes)}% | ${report.rows} rows | ${report.rejected} rejected | ${rate(report)} encounters/s`,
      );
    },
    stop: () => undefined,
  };
}

function printSummary(report: LoadReport): void {
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
