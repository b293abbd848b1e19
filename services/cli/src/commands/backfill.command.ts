import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { BackfillMetrics, BackfillRun, PREDICTION_TABLE, PredictionTable } from '@readmit/backfill';
import {
  TOPICS,
  topicName,
  type BackfillCompleted,
  type BackfillProgressed,
  type BackfillRequested,
  type BackfillTarget,
} from '@readmit/contracts';
import {
  assertTopicsExist,
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  MissingTopicsError,
  newEnvelope,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import type { EventSealer } from '@readmit/platform/privacy/sealing';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { withCliSealing } from './cli-sealing';
import { createInfraContext } from './infra.command';
import { parseDuration } from './produce.command';
import { cliKafka, cliSerde } from './topics.command';

const CLI_PRODUCER = 'readmit-cli@0.1.0';

export interface BackfillOptions {
  from?: number;
  to?: number;
  model: string;
  modelName: string;
  id?: string;
  maxRate?: number;
  chunk: number;
  local: boolean;
  /** Where predictions go (`--into`; the request's targets). */
  into: BackfillTarget[];
  databaseUrl?: string;
  schema: string;
  artifacts: string;
  timeout: number;
  prefix: string;
  brokers?: string;
  registry?: string;
  /** Where the end's line goes (default: stdout); `backfill compare` keeps stdout for its report. */
  print?: (line: string) => void;
}

function parseTime(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError(`'${value}' is not a date like 2026-11-23T10:00:00Z`);
  return time;
}

function parseTargets(value: string): BackfillTarget[] {
  const targets = value.split(',').map((target) => target.trim().toUpperCase());
  const unknown = targets.filter((target) => target !== 'TOPIC' && target !== 'TABLE');
  if (unknown.length > 0 || targets.length === 0)
    throw new InvalidArgumentError(`'${value}': write into topic, table, or topic,table`);
  return [...new Set(targets)] as BackfillTarget[];
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return number;
}

/** Connection options shared by the backfill commands. */
function withConnection(command: Command): Command {
  return command
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)');
}

export function backfillCommand(): Command {
  const command = new Command('backfill')
    .description(
      're-score a range of the encounter log with a model version (into patient.predictions.backfill), following it to its end with a progress bar',
    )
    .option('--from <time>', 'first encounter time included (default: the log’s start)', parseTime)
    .option('--to <time>', 'first encounter time excluded (default: the log’s end now)', parseTime)
    .option('--model <version>', "a model version, or 'champion'", 'champion')
    .option('--model-name <name>', 'with --local: the model the version belongs to', 'readmission')
    .option('--id <backfillId>', 'the backfill id (default: a new one)')
    .option('--max-rate <n>', 'encounters per second at most (spares live scoring)', parsePositive)
    .option('--chunk <n>', 'with --local: encounters per transaction', parsePositive, 5_000)
    .option(
      '--into <list>',
      `where predictions go: topic (patient.predictions.backfill), table (Postgres ${PREDICTION_TABLE}), or topic,table`,
      parseTargets,
      ['TOPIC'],
    )
    .option('--local', 'run the backfill in this process instead of the backfill service', false)
    .option('--database-url <url>', 'with --local and the table target: Postgres URL')
    .option('--schema <schema>', 'with --local and the table target: Postgres schema', 'public')
    .option('--artifacts <dir>', 'with --local: where model artifacts are', '.readmit/artifacts')
    .option('--timeout <duration>', 'how long to wait for the end', parseDuration, 3_600_000)
    .action(async (options: BackfillOptions) => {
      const completed = await backfill(options);
      process.exitCode = completed.status === 'COMPLETED' ? 0 : 1;
    });
  withConnection(command);
  command.addCommand(
    withConnection(
      new Command('cancel')
        .description('cancel a running backfill (it stops at its next chunk)')
        .argument('<backfillId>')
        .option('--reason <text>', 'why', 'cancelled from the CLI'),
    ).action(async (backfillId: string, options: CancelOptions) => cancel(backfillId, options)),
  );
  return command;
}

interface Connection {
  readonly kafka: Kafka;
  readonly serde: EventSerde;
  readonly publisher: EventPublisher;
}

/** The sealer is for a serde that reads or writes patient events (a backfill run here). */
async function connect(
  options: {
    prefix: string;
    brokers?: string;
    registry?: string;
  },
  sealer?: EventSealer,
): Promise<Connection> {
  const infra = new InfraManager(createInfraContext());
  const kafka = cliKafka(options.brokers);
  await assertTopicsExist(kafka, [topicName(TOPICS.backfills, options.prefix)]).catch(
    (error: unknown) => {
      throw error instanceof MissingTopicsError ? new InfraError(error.message) : error;
    },
  );
  const serde = cliSerde(options.registry ?? infra.component('schema-registry').endpoint(), {
    topicPrefix: options.prefix,
    sealer,
  });
  await serde.register(['BackfillRequested', 'BackfillProgressed', 'BackfillCompleted']);
  const logger = createLogger({ service: 'readmit-cli', level: 'fatal' });
  const publisher = new EventPublisher(
    kafka,
    serde,
    KafkaMetrics.for(new Registry()),
    logger,
    options.prefix,
  );
  return { kafka, serde, publisher };
}

interface CancelOptions {
  reason: string;
  prefix: string;
  brokers?: string;
  registry?: string;
}

/** A cancellation is the backfill's end, written by someone else: the service stops on it. */
async function cancel(backfillId: string, options: CancelOptions): Promise<void> {
  const { publisher } = await connect(options);
  try {
    await publisher.publish('BackfillCompleted', backfillId, {
      envelope: newEnvelope('BackfillCompleted', { producer: CLI_PRODUCER }),
      backfillId,
      status: 'CANCELLED',
      processed: 0,
      durationMs: 0,
      modelVersion: '',
      reason: options.reason,
    });
    console.log(`backfill ${backfillId}: cancellation sent`);
  } finally {
    await publisher.disconnect();
  }
}

/** Shows progress: a bar with ETA on a terminal, otherwise a line per checkpoint at most every 2 s. */
function progressView() {
  let bar: SingleBar | null = null;
  let lastLine = 0;
  return {
    update(progress: BackfillProgressed) {
      const total = progress.total ?? progress.processed;
      const rate = Math.round(progress.ratePerSecond);
      if (process.stderr.isTTY) {
        if (!bar) {
          bar = new SingleBar(
            {
              format:
                '{bar} {percentage}% | {value}/{total} encounters | {rate} encounters/s | ETA {eta_formatted}',
              hideCursor: true,
              etaBuffer: 20,
            },
            Presets.shades_classic,
          );
          bar.start(total, progress.processed, { rate });
        }
        bar.setTotal(total);
        bar.update(progress.processed, { rate });
        return;
      }
      if (Date.now() - lastLine < 2_000) return;
      lastLine = Date.now();
      const eta = rate > 0 ? Math.ceil((total - progress.processed) / rate) : null;
      console.error(
        `${progress.processed}/${total} encounters, ${rate}/s${eta === null ? '' : `, ETA ${eta} s`}`,
      );
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Publishes a BackfillRequested and follows ml.backfills until its end. */
export async function backfill(options: BackfillOptions): Promise<BackfillCompleted> {
  // Run here, the backfill reads encounters and writes predictions: sealed as the services do.
  return withCliSealing(options.local === true, (sealer) => requestAndFollow(options, sealer));
}

async function requestAndFollow(
  options: BackfillOptions,
  sealer: EventSealer | undefined,
): Promise<BackfillCompleted> {
  const { kafka, serde, publisher } = await connect(options, sealer);
  const request: BackfillRequested = {
    envelope: newEnvelope('BackfillRequested', { producer: CLI_PRODUCER }),
    backfillId: options.id ?? `backfill-${randomUUID()}`,
    fromTime: options.from ?? null,
    toTime: options.to ?? null,
    offsetRanges: [],
    modelVersion: options.model,
    targets: options.into,
    maxRatePerSecond: options.maxRate ?? null,
    requestedBy: process.env.USER ?? 'cli',
  };
  // Follow ml.backfills from its end before asking, so no checkpoint is missed.
  const consumer = kafka.consumer({
    groupId: `readmit-cli-backfill-${randomUUID()}`,
    readUncommitted: false,
  });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  const view = progressView();
  let ended: (completed: BackfillCompleted) => void = () => undefined;
  const end = new Promise<BackfillCompleted>((resolve) => (ended = resolve));
  await consumer.connect();
  await consumer.subscribe({
    topic: topicName(TOPICS.backfills, options.prefix),
    fromBeginning: false,
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() !== request.backfillId) return;
      const decoded = await serde.decode(message.value).catch(() => null);
      if (decoded?.eventType === 'BackfillProgressed')
        view.update(decoded.event as BackfillProgressed);
      if (decoded?.eventType === 'BackfillCompleted') ended(decoded.event as BackfillCompleted);
    },
  });
  await joined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new InfraError(
            `backfill ${request.backfillId} did not end within ${Math.round(options.timeout / 1000)} s; is the backfill service running? (or use --local)`,
          ),
        ),
      options.timeout,
    );
  });
  try {
    await publisher.publish('BackfillRequested', request.backfillId, request);
    console.error(
      `backfill ${request.backfillId}: ${options.model}, ${describeRange(request)}${options.local ? ', in this process' : ''}`,
    );
    const local = options.local ? runLocally(kafka, serde, publisher, request, options) : null;
    const completed = await Promise.race([end, timedOut, ...(local ? [local] : [])]);
    view.stop();
    printCompleted(completed, options.print ?? console.log);
    return completed;
  } finally {
    clearTimeout(timer);
    view.stop();
    await consumer.disconnect();
    await publisher.disconnect();
  }
}

/** Runs the request in this process; resolves only on failure (the end is read from the log). */
async function runLocally(
  kafka: Kafka,
  serde: EventSerde,
  publisher: EventPublisher,
  request: BackfillRequested,
  options: BackfillOptions,
): Promise<never> {
  await serde.register(['PredictionMade']);
  const table = request.targets.includes('TABLE')
    ? new PredictionTable({
        databaseUrl:
          options.databaseUrl ??
          new InfraManager(createInfraContext()).component('postgres').endpoint(),
        schema: options.schema,
      })
    : null;
  const run = new BackfillRun(
    kafka,
    serde,
    new ModelArtifactStore(createObjectStore({ kind: 'filesystem', root: options.artifacts })),
    createLogger({ service: 'readmit-cli', level: 'warn', destination: process.stderr }),
    new BackfillMetrics(new Registry()),
    {
      topicPrefix: options.prefix,
      modelName: options.modelName,
      producer: CLI_PRODUCER,
      chunkSize: options.chunk,
      defaultMaxRatePerSecond: null,
      brokers: (
        options.brokers ?? new InfraManager(createInfraContext()).component('kafka').endpoint()
      ).split(','),
      kafkaLogLevel: 'fatal',
      table,
    },
    request,
  );
  try {
    await run.run();
  } catch (error) {
    // As the service does: the backfill fails in the log, and the follower reports it.
    await publisher.publish('BackfillCompleted', request.backfillId, {
      envelope: newEnvelope('BackfillCompleted', {
        producer: CLI_PRODUCER,
        causedBy: request.envelope,
      }),
      backfillId: request.backfillId,
      status: 'FAILED',
      processed: 0,
      durationMs: Date.now() - request.envelope.occurredAt,
      modelVersion: request.modelVersion,
      reason: (error as Error).message,
    });
  } finally {
    await table?.close();
  }
  return new Promise<never>(() => undefined);
}

function describeRange(request: BackfillRequested): string {
  const time = (value: number | null, otherwise: string) =>
    value === null ? otherwise : new Date(value).toISOString();
  return `from ${time(request.fromTime, 'the start')} to ${time(request.toTime, 'now')}`;
}

function printCompleted(completed: BackfillCompleted, print: (line: string) => void): void {
  const seconds = completed.durationMs / 1000;
  print(
    `backfill ${completed.backfillId}: ${completed.status}, ${completed.processed} predictions by ${completed.modelVersion || '(none)'} in ${seconds.toFixed(1)} s${
      completed.status === 'COMPLETED' && seconds > 0
        ? ` (${Math.round(completed.processed / seconds)} encounters/s)`
        : ''
    }${completed.reason ? `: ${completed.reason}` : ''}`,
  );
}
