import { userInfo } from 'node:os';
import { Command } from 'commander';
import { TOPICS, topicName, type PromotionCriterion } from '@readmit/contracts';
import { loadConfig } from '@readmit/platform/config';
import { createDataSource } from '@readmit/platform/database';
import {
  assertTopicsExist,
  EventPublisher,
  KafkaMetrics,
  MissingTopicsError,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import {
  compareVersions,
  ModelRegistry,
  promotionPolicyOf,
  readRegistry,
  REGISTRY_PRODUCER,
  RegistryCommandError,
  registryEnvSchema,
  type ModelHistory,
  type ModelVersion,
  type RegistryOutcome,
  type RegistryState,
} from '@readmit/registry';
import { Registry } from 'prom-client';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { createInfraContext } from './infra.command';
import { modelsImportCommand } from './models-import.command';
import { RegistryApi } from './registry-api';
import { cliKafka, cliSerde } from './topics.command';

export interface ModelsOptions {
  model: string;
  json: boolean;
  prefix: string;
  artifacts: string;
  databaseUrl?: string;
  brokers?: string;
  registry?: string;
}

interface DecisionOptions extends ModelsOptions {
  by: string;
  /** The registry service's REST API: decide there, as READMIT_API_KEY's principal. */
  api?: string;
  reason: string;
  force?: boolean;
  to?: string;
}

function withConnections(command: Command): Command {
  return command
    .option('--model <name>', 'model name', 'readmission')
    .option('--json', 'print JSON instead of text', false)
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--artifacts <dir>', 'where model artifacts are (to verify them)', '.readmit/artifacts')
    .option(
      '--database-url <url>',
      'Postgres URL, for the registry lock (default: the local platform)',
    )
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)');
}

function withDecision(command: Command): Command {
  return withConnections(command)
    .option(
      '--api <url>',
      "the registry service's REST API: decide there as READMIT_API_KEY's principal (default: READMIT_REGISTRY_API)",
      process.env.READMIT_REGISTRY_API,
    )
    .option(
      '--by <name>',
      'who decides, without --api (self-declared, recorded in the event)',
      userInfo().username,
    )
    .requiredOption('--reason <text>', 'why (recorded in the event)');
}

async function connect(options: ModelsOptions) {
  const infra = new InfraManager(createInfraContext());
  const kafka = cliKafka(options.brokers);
  await assertTopicsExist(kafka, [
    topicName(TOPICS.training, options.prefix),
    topicName(TOPICS.models, options.prefix),
  ]).catch((error: unknown) => {
    throw error instanceof MissingTopicsError ? new InfraError(error.message) : error;
  });
  const serde = cliSerde(options.registry ?? infra.component('schema-registry').endpoint(), {
    topicPrefix: options.prefix,
  });
  return { infra, kafka, serde };
}

/** The registry's write side in this process: the same lock, log and policy as the service. */
export async function withRegistry<T>(
  options: ModelsOptions,
  use: (registry: ModelRegistry) => Promise<T>,
): Promise<T> {
  const { infra, kafka, serde } = await connect(options);
  await serde.register(['ModelPromoted', 'ModelRejected', 'ModelRolledBack', 'ChallengerAssigned']);
  const logger = createLogger({ service: 'readmit-cli', level: 'fatal' });
  const publisher = new EventPublisher(
    kafka,
    serde,
    KafkaMetrics.for(new Registry()),
    logger,
    options.prefix,
  );
  const lock = createDataSource({
    url: options.databaseUrl ?? infra.component('postgres').endpoint(),
  });
  await lock.initialize().catch((error: unknown) => {
    throw new InfraError(
      `cannot reach Postgres for the registry lock: ${(error as Error).message}`,
    );
  });
  try {
    const registry = new ModelRegistry(
      () => readRegistry(kafka, serde, options.prefix),
      publisher,
      new ModelArtifactStore(createObjectStore({ kind: 'filesystem', root: options.artifacts })),
      lock,
      logger,
      {
        topicPrefix: options.prefix,
        // The policy as the service reads it from the environment (READMIT_PROMOTION_*).
        // (Without READMIT_API_KEYS: the CLI decides here, not through the service's REST API.)
        policy: promotionPolicyOf(
          loadConfig(
            'readmit models',
            registryEnvSchema.omit({ READMIT_API_KEYS: true }),
            process.env,
          ),
        ),
        producer: REGISTRY_PRODUCER,
      },
    );
    return await use(registry);
  } finally {
    await publisher.disconnect();
    await lock.destroy();
  }
}

async function readState(options: ModelsOptions): Promise<RegistryState> {
  const { kafka, serde } = await connect(options);
  return readRegistry(kafka, serde, options.prefix);
}

function historyOf(state: RegistryState, model: string): ModelHistory {
  const history = state.get(model);
  if (!history)
    throw new InfraError(
      `no model '${model}' in the registry; known: ${[...state.keys()].join(', ') || 'none'}`,
    );
  return history;
}

function versionIn(history: ModelHistory, model: string, version: string): ModelVersion {
  const found = history.versions.get(version);
  if (!found) throw new InfraError(`${model} has no version ${version}`);
  return found;
}

const format = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(3));

/** `FAIL holdout_auc_margin: candidate 0.738, champion 0.736, threshold 0.005` */
export function describeCriterion(rule: PromotionCriterion): string {
  const values = (['candidate', 'champion', 'threshold'] as const)
    .filter((name) => rule[name] !== null)
    .map((name) => `${name} ${format(rule[name] ?? undefined)}`);
  return [
    `${rule.passed ? 'pass' : 'FAIL'} ${rule.name}`,
    values.length > 0 ? `: ${values.join(', ')}` : '',
    rule.detail ? ` (${rule.detail})` : '',
  ].join('');
}

/** A version as plain data, for --json. */
function versionJson(version: ModelVersion) {
  const { training, ...rest } = version;
  return { ...rest, training };
}

export function printOutcome(outcome: RegistryOutcome, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(outcome, null, 2));
    return;
  }
  switch (outcome.kind) {
    case 'unchanged':
      console.log(`${outcome.modelName} ${outcome.version}: nothing to do (${outcome.reason})`);
      return;
    case 'promoted':
      console.log(
        `${outcome.event.modelName} ${outcome.event.version} is champion (was ${outcome.event.previousVersion ?? 'none'})`,
      );
      break;
    case 'rolled-back':
      console.log(
        `${outcome.event.modelName} rolled back from ${outcome.event.fromVersion} to ${outcome.event.toVersion}`,
      );
      return;
    case 'challenger':
      console.log(`${outcome.event.modelName} ${outcome.event.version} is the challenger`);
      break;
    case 'rejected':
      console.log(`${outcome.event.modelName} ${outcome.event.version} is rejected`);
      break;
  }
  for (const rule of outcome.event.criteria) console.log(`  ${describeCriterion(rule)}`);
}

/**
 * A decision: through the registry's REST API when one is named (recorded as the API key's
 * principal), else in this process on the log with a self-declared --by (local use; where Kafka
 * ACLs are on, only the registry may write ml.models).
 */
async function decide(
  options: DecisionOptions,
  command: Command,
  viaApi: (api: RegistryApi) => Promise<RegistryOutcome>,
  run: (registry: ModelRegistry) => Promise<RegistryOutcome>,
) {
  const api = RegistryApi.from(options.api, process.env);
  if (api) {
    if (command.getOptionValueSource('by') === 'cli')
      throw new InfraError(
        '--by is not taken with --api: the registry records the API key’s principal as the decider',
      );
    printOutcome(await viaApi(api), options.json);
    return;
  }
  try {
    printOutcome(await withRegistry(options, run), options.json);
  } catch (error) {
    if (!(error instanceof RegistryCommandError)) throw error;
    const failed = error.criteria.filter((rule) => !rule.passed).map((rule) => rule.name);
    throw new InfraError(
      `${error.message}${failed.length ? ` [failed: ${failed.join(', ')}]` : ''}`,
    );
  }
}

export function modelsCommand(): Command {
  const models = new Command('models').description(
    'the model registry: versions, champion, promotion and rollback (decided on the log, as the registry service does)',
  );

  withConnections(
    models.command('list').description('every version with its stage and holdout metrics'),
  ).action(async (options: ModelsOptions) => {
    const history = historyOf(await readState(options), options.model);
    const versions = [...history.versions.values()].sort((a, b) => a.registeredAt - b.registeredAt);
    if (options.json) {
      console.log(JSON.stringify(versions.map(versionJson), null, 2));
      return;
    }
    console.log(
      'version                    stage       algorithm            roc_auc  brier  last decision',
    );
    for (const version of versions) {
      const last = version.decisions.at(-1);
      console.log(
        [
          version.version.padEnd(26),
          version.stage.padEnd(11),
          version.training.algorithm.padEnd(20),
          format(version.training.metrics.roc_auc).padStart(7),
          format(version.training.metrics.brier).padStart(6),
          last ? `${last.kind} by ${last.decidedBy}: ${last.reason}` : '-',
        ].join(' '),
      );
    }
    console.log(
      `champion: ${history.champion ?? 'none'}, challenger: ${history.challenger ?? 'none'}`,
    );
  });

  withConnections(
    models
      .command('show')
      .argument('<version>')
      .description('one version: metrics, subgroups, lineage and decisions'),
  ).action(async (version: string, options: ModelsOptions) => {
    const found = versionIn(
      historyOf(await readState(options), options.model),
      options.model,
      version,
    );
    if (options.json) {
      console.log(JSON.stringify(versionJson(found), null, 2));
      return;
    }
    const { training } = found;
    console.log(`${found.modelName} ${found.version}: ${found.stage}`);
    console.log(
      `  algorithm ${training.algorithm} ${JSON.stringify(training.params)}, threshold ${training.threshold.toFixed(3)}`,
    );
    console.log(
      `  artifact ${training.artifactUri} (sha256 ${training.artifactSha256.slice(0, 12)}…)`,
    );
    console.log(
      `  holdout: ${Object.entries(training.metrics)
        .map(([name, value]) => `${name} ${value.toFixed(3)}`)
        .join(', ')}`,
    );
    if (training.championEvaluation)
      console.log(
        `  champion ${training.championEvaluation.version} on the same holdout: roc_auc ${format(training.championEvaluation.metrics.roc_auc)}, brier ${format(training.championEvaluation.metrics.brier)}`,
      );
    for (const group of training.subgroupMetrics)
      console.log(
        `  ${group.attribute}=${group.group} (${group.count}): roc_auc ${format(group.metrics.roc_auc)}`,
      );
    const { lineage } = training;
    console.log(
      `  lineage: ${lineage.trainRows}/${lineage.validationRows}/${lineage.holdoutRows} rows (train/validation/holdout), holdout ${lineage.holdoutId.slice(0, 12)}…, run ${training.runId}`,
    );
    for (const decision of found.decisions) {
      console.log(
        `  ${new Date(decision.at).toISOString()} ${decision.kind} by ${decision.decidedBy}: ${decision.reason}`,
      );
      for (const rule of decision.criteria) console.log(`      ${describeCriterion(rule)}`);
    }
  });

  withConnections(
    models
      .command('compare')
      .argument('<a>')
      .argument('<b>')
      .description('two versions side by side (b − a)'),
  ).action(async (a: string, b: string, options: ModelsOptions) => {
    const history = historyOf(await readState(options), options.model);
    const comparison = compareVersions(
      versionIn(history, options.model, a).training,
      versionIn(history, options.model, b).training,
    );
    if (options.json) {
      console.log(JSON.stringify(comparison, null, 2));
      return;
    }
    console.log(
      `${a} vs ${b}: ${comparison.basis}${comparison.sameHoldout ? '' : ' (deltas are not comparable)'}`,
    );
    for (const entry of [
      ...comparison.metrics,
      ...comparison.subgroups.map((group) => ({ ...group, metric: `${group.group} roc_auc` })),
    ])
      console.log(
        `  ${entry.metric.padEnd(28)} ${format(entry.a ?? undefined).padStart(7)} ${format(entry.b ?? undefined).padStart(7)} ${entry.delta === null ? '' : (entry.delta >= 0 ? '+' : '') + entry.delta.toFixed(3)}`,
      );
  });

  withDecision(
    models
      .command('promote')
      .argument('<version>')
      .description('make a version champion; refused when it fails the policy unless --force')
      .option('--force', 'promote even when the policy rules fail (recorded in the event)', false),
  ).action((version: string, options: DecisionOptions, command: Command) =>
    decide(
      options,
      command,
      (api) =>
        api.promote(options.model, version, {
          reason: options.reason,
          force: options.force ?? false,
        }),
      (registry) =>
        registry.promote(options.model, version, {
          decidedBy: options.by,
          reason: options.reason,
          force: options.force,
        }),
    ),
  );

  withDecision(
    models
      .command('rollback')
      .description(
        'make an earlier champion the champion again (default: the one before the current)',
      )
      .option('--to <version>', 'the version to roll back to'),
  ).action((options: DecisionOptions, command: Command) =>
    decide(
      options,
      command,
      (api) =>
        api.rollback(options.model, {
          reason: options.reason,
          ...(options.to ? { toVersion: options.to } : {}),
        }),
      (registry) =>
        registry.rollback(options.model, {
          decidedBy: options.by,
          reason: options.reason,
          toVersion: options.to,
        }),
    ),
  );

  withDecision(
    models
      .command('challenge')
      .argument('<version>')
      .description('make a version the challenger (shadow-scored)'),
  ).action((version: string, options: DecisionOptions, command: Command) =>
    decide(
      options,
      command,
      (api) => api.challenge(options.model, version, { reason: options.reason }),
      (registry) =>
        registry.assignChallenger(options.model, version, {
          decidedBy: options.by,
          reason: options.reason,
        }),
    ),
  );

  withDecision(
    models
      .command('reject')
      .argument('<version>')
      .description('reject a candidate or the challenger'),
  ).action((version: string, options: DecisionOptions, command: Command) =>
    decide(
      options,
      command,
      (api) => api.reject(options.model, version, { reason: options.reason }),
      (registry) =>
        registry.reject(options.model, version, { decidedBy: options.by, reason: options.reason }),
    ),
  );

  models.addCommand(modelsImportCommand());
  return models;
}
