import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import {
  TOPICS,
  topicName,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import { SEARCH_SPACE } from '@readmit/ml';
import {
  assertTopicsExist,
  EventPublisher,
  KafkaMetrics,
  MissingTopicsError,
  newEnvelope,
  type MessageContext,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import type { EventSealer } from '@readmit/platform/privacy/sealing';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { TrainingRunner } from '@readmit/trainer';
import { Registry } from 'prom-client';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { withCliSealing } from './cli-sealing';
import { parseDuration } from './produce.command';
import { createInfraContext } from './infra.command';
import { cliKafka, cliSerde } from './topics.command';

export interface TrainOptions {
  model: string;
  task: 'within-30-days' | 'any';
  candidates: string[];
  asOf?: number;
  local: boolean;
  /** With local: no progress lines (the demo prints its own story). */
  quiet?: boolean;
  timeout: number;
  artifacts: string;
  prefix: string;
  brokers?: string;
  registry?: string;
}

export function parseTask(value: string): TrainOptions['task'] {
  if (value !== 'within-30-days' && value !== 'any')
    throw new InvalidArgumentError(`'${value}' is not a task: within-30-days or any`);
  return value;
}

function parseCandidates(value: string): string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(name in SEARCH_SPACE));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `unknown candidate ${unknown.join(', ')}; known: ${Object.keys(SEARCH_SPACE).join(', ')}`,
    );
  return names;
}

export function parseTime(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError(`'${value}' is not a date like 2026-11-23T10:00:00Z`);
  return time;
}

export function trainCommand(): Command {
  return new Command('train')
    .description(
      'request a training run and follow it to its end (TrainingCompleted or TrainingFailed)',
    )
    .option('--model <name>', 'model name', 'readmission')
    .option('--task <task>', 'within-30-days or any', parseTask, 'within-30-days')
    .option(
      '--candidates <list>',
      `algorithms to try: ${Object.keys(SEARCH_SPACE).join(', ')}`,
      parseCandidates,
      [],
    )
    .option('--as-of <time>', 'train on what was known at this time (default: now)', parseTime)
    .option(
      '--local',
      'run the training in this process instead of waiting for the trainer service',
      false,
    )
    .option('--timeout <duration>', 'how long to wait for the result', parseDuration, 600_000)
    .option('--artifacts <dir>', 'with --local: where model artifacts go', '.readmit/artifacts')
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)')
    .action(async (options: TrainOptions) => {
      const result = await train(options);
      process.exitCode = 'artifactUri' in result ? 0 : 1;
    });
}

export async function train(options: TrainOptions): Promise<TrainingCompleted | TrainingFailed> {
  // Run here, the training reads the encounters and outcomes: sealed when the log is.
  return withCliSealing(options.local === true, (sealer) => requestAndFollow(options, sealer));
}

async function requestAndFollow(
  options: TrainOptions,
  sealer: EventSealer | undefined,
): Promise<TrainingCompleted | TrainingFailed> {
  const infra = new InfraManager(createInfraContext());
  const kafka = cliKafka(options.brokers);
  const trainingTopic = topicName(TOPICS.training, options.prefix);
  await assertTopicsExist(kafka, [trainingTopic]).catch((error: unknown) => {
    throw error instanceof MissingTopicsError ? new InfraError(error.message) : error;
  });
  const serde = cliSerde(options.registry ?? infra.component('schema-registry').endpoint(), {
    topicPrefix: options.prefix,
    sealer,
  });
  await serde.register(['TrainingRequested', 'TrainingCompleted', 'TrainingFailed']);
  const logger = createLogger({ service: 'readmit-cli', level: 'fatal' });
  const metrics = KafkaMetrics.for(new Registry());
  const publisher = new EventPublisher(kafka, serde, metrics, logger, options.prefix);

  const request: TrainingRequested = {
    envelope: newEnvelope('TrainingRequested', { producer: 'readmit-cli@0.1.0' }),
    runId: randomUUID(),
    modelName: options.model,
    reason: 'MANUAL',
    triggeredBy: [],
    task: options.task === 'any' ? 'ANY_READMISSION' : 'WITHIN_30_DAYS',
    asOf: options.asOf ?? Date.now(),
    candidates: options.candidates,
    requestedBy: process.env.USER ?? 'cli',
  };

  // Follow ml.training from its end before asking, so the answer cannot be missed.
  const consumer = kafka.consumer({
    groupId: `readmit-cli-train-${request.runId}`,
    readUncommitted: false,
  });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  let answered: (result: TrainingCompleted | TrainingFailed) => void = () => undefined;
  const answer = new Promise<TrainingCompleted | TrainingFailed>((resolve) => (answered = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic: trainingTopic, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decoded = await serde.decode(message.value).catch(() => null);
      if (
        (decoded?.eventType === 'TrainingCompleted' || decoded?.eventType === 'TrainingFailed') &&
        (decoded.event as TrainingFailed).runId === request.runId
      )
        answered(decoded.event as TrainingCompleted | TrainingFailed);
    },
  });
  await joined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new InfraError(
            `no answer to run ${request.runId} within ${Math.round(options.timeout / 1000)} s; is the trainer service running? (or use --local)`,
          ),
        ),
      options.timeout,
    );
  });

  try {
    await publisher.publish('TrainingRequested', request.runId, request);
    console.error(
      `training run ${request.runId}: ${options.model}, ${options.task}, as of ${new Date(request.asOf).toISOString()}${options.local ? ', in this process' : ''}`,
    );
    if (options.local) {
      const runner = new TrainingRunner(
        kafka,
        serde,
        metrics,
        publisher,
        new ModelArtifactStore(createObjectStore({ kind: 'filesystem', root: options.artifacts })),
        // Progress goes to stderr as JSON lines; stdout keeps the summary.
        createLogger({
          service: 'readmit-cli',
          level: options.quiet ? 'warn' : 'info',
          destination: process.stderr,
        }),
        new Registry(),
        {
          groupId: 'readmit-cli-local',
          topicPrefix: options.prefix,
          producer: 'readmit-cli@0.1.0',
        },
      );
      await runner.run(request, { heartbeat: async () => undefined } as MessageContext);
    }
    const result = await Promise.race([answer, timedOut]);
    printResult(result);
    return result;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await publisher.disconnect();
  }
}

function printResult(result: TrainingCompleted | TrainingFailed): void {
  if (!('artifactUri' in result)) {
    console.log(
      `training failed at ${result.stage}: ${result.reason}${result.retriable ? ' (a retry may help)' : ''}`,
    );
    return;
  }
  console.log(
    `model ${result.modelName} ${result.modelVersion}: ${result.algorithm} ${JSON.stringify(result.params)}, threshold ${result.threshold.toFixed(3)}`,
  );
  console.log(
    `holdout: ${['roc_auc', 'pr_auc', 'brier', 'log_loss', 'f1', 'precision', 'recall']
      .filter((name) => name in result.metrics)
      .map((name) => `${name} ${result.metrics[name].toFixed(3)}`)
      .join(', ')}`,
  );
  console.log(
    `rows: ${result.lineage.trainRows} train / ${result.lineage.validationRows} validation / ${result.lineage.holdoutRows} holdout (split by patient), ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  console.log(`artifact: ${result.artifactUri} (sha256 ${result.artifactSha256})`);
}
