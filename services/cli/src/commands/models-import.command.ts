import { readFileSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  TOPICS,
  topicName,
  type ChallengerAssigned,
  type ModelPromoted,
  type ModelRejected,
  type TrainingCompleted,
  type TrainingFailed,
} from '@readmit/contracts';
import { InfraError } from '../infra/infra-error';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext } from './infra.command';
import { LogWatch } from './log-watch';
import { parseDuration } from './produce.command';
import { RegistryApi, type ImportAccepted, type ImportQuery } from './registry-api';
import { cliKafka, cliSerde } from './topics.command';

export interface ModelsImportOptions {
  model: string;
  featureSpec: string;
  task: 'within-30-days' | 'any';
  threshold?: number;
  framework: string;
  claimed: Record<string, number>;
  asOf?: string;
  api?: string;
  wait: boolean;
  timeout: number;
  prefix: string;
  brokers?: string;
  registry?: string;
}

export type { ImportAccepted };

export type Decision =
  | { readonly eventType: 'ModelPromoted'; readonly event: ModelPromoted }
  | { readonly eventType: 'ModelRejected'; readonly event: ModelRejected }
  | { readonly eventType: 'ChallengerAssigned'; readonly event: ChallengerAssigned };

export interface ImportResult {
  readonly accepted: ImportAccepted;
  /** With --wait: the trainer's judgement and the registry's decision on it. */
  readonly outcome?: TrainingCompleted | TrainingFailed;
  readonly decision?: Decision;
}

function parseClaims(value: string, previous: Record<string, number>): Record<string, number> {
  const claims = { ...previous };
  for (const pair of value.split(',').filter(Boolean)) {
    const [name, raw] = pair.split('=');
    const number = Number(raw);
    if (!name || raw === undefined || !Number.isFinite(number))
      throw new InvalidArgumentError(`'${pair}' is not metric=value, e.g. roc_auc=0.71`);
    claims[name.trim()] = number;
  }
  return claims;
}

function parseThreshold(value: string): number {
  const threshold = Number(value);
  if (!(threshold > 0 && threshold < 1))
    throw new InvalidArgumentError(`'${value}' is not a threshold in (0, 1)`);
  return threshold;
}

export function modelsImportCommand(): Command {
  return new Command('import')
    .argument(
      '<model.onnx>',
      'an ONNX model taking FP32 [N, F] features of an exported feature spec',
    )
    .description(
      'register an externally trained ONNX model as a candidate: the registry judges it on its own holdout and applies the promotion policy',
    )
    .requiredOption(
      '--feature-spec <id>',
      'the feature spec id (fs1-…) of the dataset export it was trained on',
    )
    .option('--model <name>', 'model name', 'readmission')
    .option('--task <task>', 'within-30-days or any', 'within-30-days')
    .option(
      '--threshold <p>',
      'its decision threshold (default: chosen by F1 on validation)',
      parseThreshold,
    )
    .option('--framework <name>', 'what trained it (recorded)', 'unknown')
    .option(
      '--claimed <metric=value,…>',
      'metrics you measured (recorded, never trusted)',
      parseClaims,
      {},
    )
    .option('--as-of <time>', 'judge on the holdout of the log as of this time (default: now)')
    .option(
      '--api <url>',
      "the registry service's REST API (default: READMIT_REGISTRY_API); the upload is made as READMIT_API_KEY's principal",
      process.env.READMIT_REGISTRY_API,
    )
    .option('--no-wait', 'return once the upload is accepted')
    .option(
      '--timeout <duration>',
      'how long to wait for the judgement and the decision',
      parseDuration,
      600_000,
    )
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)')
    .action(async (file: string, options: ModelsImportOptions) => {
      const result = await importModel(file, options);
      printResult(result);
      process.exitCode = result.outcome && !('artifactUri' in result.outcome) ? 1 : 0;
    });
}

/** Uploads the model; with `wait`, follows ml.training and ml.models to the registry's decision. */
export async function importModel(
  file: string,
  options: ModelsImportOptions,
): Promise<ImportResult> {
  const api = RegistryApi.from(options.api, process.env);
  if (!api)
    throw new InfraError(
      "importing a model goes through the registry's REST API: give --api or READMIT_REGISTRY_API",
    );
  let bytes: Buffer<ArrayBuffer>;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    bytes = readFileSync(file);
  } catch (error) {
    throw new InfraError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const query: ImportQuery = {
    featureSpec: options.featureSpec,
    task: options.task,
    framework: options.framework,
    ...(options.threshold !== undefined && { threshold: options.threshold }),
    ...(options.asOf !== undefined && { asOf: options.asOf }),
    ...Object.fromEntries(
      Object.entries(options.claimed).map(([name, value]) => [`claimed.${name}`, value]),
    ),
  };
  const upload = () => api.importModel(options.model, query, bytes, options.timeout);
  if (!options.wait) return { accepted: await upload() };

  const infra = new InfraManager(createInfraContext());
  const serde = cliSerde(options.registry ?? infra.component('schema-registry').endpoint(), {
    topicPrefix: options.prefix,
  });
  const watch = new LogWatch(
    cliKafka(options.brokers),
    serde,
    [topicName(TOPICS.training, options.prefix), topicName(TOPICS.models, options.prefix)],
    'import',
  );
  // Before the upload: the answer cannot come before we listen.
  await watch.open();
  try {
    const accepted = await upload();
    console.error(`import ${accepted.runId}: uploaded; the trainer judges it on the holdout…`);
    const deadline = Date.now() + options.timeout;
    const { event: outcome } = await watch.until(
      ['TrainingCompleted', 'TrainingFailed'],
      (event) => event.runId === accepted.runId,
      options.timeout,
      `the judgement of import ${accepted.runId} (is the trainer service running?)`,
    );
    if (!('artifactUri' in outcome)) return { accepted, outcome };
    const decision = (await watch.until(
      ['ModelPromoted', 'ModelRejected', 'ChallengerAssigned'],
      (event) => event.modelName === outcome.modelName && event.version === outcome.modelVersion,
      Math.max(1_000, deadline - Date.now()),
      `the registry's decision on ${outcome.modelName} ${outcome.modelVersion}`,
    )) as Decision;
    return { accepted, outcome, decision };
  } finally {
    await watch.close();
  }
}

function printResult({ accepted, outcome, decision }: ImportResult): void {
  if (!outcome) {
    console.log(
      `import ${accepted.runId} accepted: ${accepted.modelName}, feature spec ${accepted.featureSpecId}`,
    );
    return;
  }
  if (!('artifactUri' in outcome)) {
    console.log(`import ${accepted.runId} failed at ${outcome.stage}: ${outcome.reason}`);
    return;
  }
  const metric = (name: string) => outcome.metrics[name]?.toFixed(4) ?? 'n/a';
  console.log(
    `${outcome.modelName} ${outcome.modelVersion} (external, ${outcome.params.framework ?? 'unknown'}): holdout roc_auc ${metric('roc_auc')}, pr_auc ${metric('pr_auc')}, brier ${metric('brier')}, threshold ${outcome.threshold.toFixed(3)}`,
  );
  if (outcome.championEvaluation)
    console.log(
      `champion ${outcome.championEvaluation.version} on the same holdout: roc_auc ${outcome.championEvaluation.metrics.roc_auc?.toFixed(4) ?? 'n/a'}`,
    );
  if (!decision) return;
  const failed = decision.event.criteria.filter((rule) => !rule.passed).map((rule) => rule.name);
  const verdict =
    decision.eventType === 'ModelPromoted'
      ? 'promoted to champion'
      : decision.eventType === 'ChallengerAssigned'
        ? 'made challenger'
        : 'refused';
  console.log(
    `registry: ${verdict} (${decision.event.reason})${failed.length > 0 ? `; failed: ${failed.join(', ')}` : ''}`,
  );
}
