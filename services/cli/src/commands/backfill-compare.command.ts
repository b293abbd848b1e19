import { Command, InvalidArgumentError, Option } from 'commander';
import {
  compareVersions,
  encounterRangesOf,
  modelTargetOf,
  readBackfillComparisonInputs,
  readBackfills,
  resolveModelVersion,
  reusableBackfill,
  type BackfillPredictions,
  type BackfillState,
  type VersionScores,
} from '@readmit/backfill';
import { TOPICS, topicName } from '@readmit/contracts';
import type { ReadmissionTarget, ServedModel } from '@readmit/ml';
import { EventSerde } from '@readmit/platform/kafka';
import type { EventSealer } from '@readmit/platform/privacy/sealing';
import { createObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { backfill, type BackfillOptions } from './backfill.command';
import { cliSealing } from './cli-sealing';
import { createInfraContext } from './infra.command';
import { parseDuration } from './produce.command';
import { cliKafka, cliSerde } from './topics.command';
import {
  comparisonJson,
  comparisonTable,
  type ComparedSide,
  type ComparisonReport,
} from './version-comparison-report';

export interface CompareOptions {
  models: [string, string];
  from?: number;
  to?: number;
  modelName: string;
  /** Overrides the targets read from the versions' artifacts. */
  target?: ReadmissionTarget;
  /** Read back a completed backfill of the same version and range instead of running one. */
  reuse: boolean;
  maxRate?: number;
  chunk: number;
  local: boolean;
  artifacts: string;
  timeout: number;
  json: boolean;
  prefix: string;
  brokers?: string;
  registry?: string;
}

function parseModels(value: string): [string, string] {
  const models = value.split(',').map((model) => model.trim());
  if (models.length !== 2 || models.some((model) => model === ''))
    throw new InvalidArgumentError(`'${value}' is not two versions like v1,v2 (or champion,v2)`);
  return [models[0], models[1]];
}

function parseTime(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError(`'${value}' is not a date like 2026-11-23T10:00:00Z`);
  return time;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return number;
}

export function backfillCompareCommand(): Command {
  return new Command('compare')
    .description(
      'compares two model versions over the same history: backfills both (or reuses completed backfills of the same range), then score distributions, PSI, agreement, and ROC AUC and Brier where outcomes are known',
    )
    .requiredOption(
      '--models <A,B>',
      "two model versions (or 'champion'), A the reference",
      parseModels,
    )
    .option('--from <time>', 'first encounter time included (default: the log’s start)', parseTime)
    .option('--to <time>', 'first encounter time excluded (default: now)', parseTime)
    .option('--model-name <name>', 'the model the versions belong to', 'readmission')
    .addOption(
      new Option(
        '--target <target>',
        'the outcome label (default: each version’s own, from its artifact)',
      ).choices(['any', 'within-30-days']),
    )
    .option('--no-reuse', 'always run new backfills, even when completed ones cover the range')
    .option('--max-rate <n>', 'encounters per second at most (spares live scoring)', parsePositive)
    .option('--chunk <n>', 'with --local: encounters per transaction', parsePositive, 5_000)
    .option('--local', 'run the backfills in this process instead of the backfill service', false)
    .option(
      '--artifacts <dir>',
      'where model artifacts are (targets; with --local, scoring)',
      '.readmit/artifacts',
    )
    .option('--timeout <duration>', 'how long to wait for each backfill', parseDuration, 3_600_000)
    .option('--json', 'print the comparison as JSON', false)
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)')
    .action(async (options: CompareOptions) => {
      const report = await compareBackfills(options);
      console.log(options.json ? comparisonJson(report) : comparisonTable(report));
    });
}

/** A version pinned for the whole comparison ('champion' resolved once, at the start). */
interface PinnedVersion {
  readonly asked: string;
  readonly served: ServedModel;
  readonly target: ReadmissionTarget;
}

/**
 * Backfills the range with both versions (sequentially; a completed backfill of the same
 * version and offsets is read back instead when there is one), reads both backfills'
 * predictions and the outcomes, and compares them.
 */
export async function compareBackfills(options: CompareOptions): Promise<ComparisonReport> {
  // The predictions and the outcomes it reads are patient events, sealed when the log is.
  const sealing = await cliSealing();
  try {
    return await compareWith(sealing?.sealer, options);
  } finally {
    await sealing?.close();
  }
}

async function compareWith(
  sealer: EventSealer | undefined,
  options: CompareOptions,
): Promise<ComparisonReport> {
  const kafka = cliKafka(options.brokers);
  const serde = cliSerde(
    options.registry ??
      new InfraManager(createInfraContext()).component('schema-registry').endpoint(),
    { topicPrefix: options.prefix, sealer },
  );
  const artifacts = new ModelArtifactStore(
    createObjectStore({ kind: 'filesystem', root: options.artifacts }),
  );
  // An open end is pinned now, so both backfills (and any reused one) cover the same offsets.
  const to = options.to ?? Date.now();
  const from = options.from ?? null;
  const pinned: PinnedVersion[] = [];
  for (const asked of options.models)
    pinned.push(await pin(kafka, serde, artifacts, asked, options));
  const ranges = await encounterRangesOf(
    kafka,
    { offsetRanges: [], fromTime: from, toTime: to },
    topicName(TOPICS.encounters, options.prefix),
  );
  const backfills: BackfillState = options.reuse
    ? await readBackfills(kafka, serde, options.prefix)
    : new Map();
  const used = new Map<string, { backfillId: string; reused: boolean }>();
  for (const { served } of pinned) {
    if (used.has(served.version)) continue;
    const reusable = options.reuse ? reusableBackfill(backfills, served.version, ranges) : null;
    if (reusable) {
      console.error(
        `${served.version}: reusing backfill ${reusable.request.backfillId} (completed, same range)`,
      );
      used.set(served.version, { backfillId: reusable.request.backfillId, reused: true });
      continue;
    }
    used.set(served.version, {
      backfillId: await runBackfill(served.version, from, to, options),
      reused: false,
    });
  }
  console.error('reading both backfills’ predictions and the outcomes…');
  const ids = [...new Set([...used.values()].map(({ backfillId }) => backfillId))];
  const inputs = await readBackfillComparisonInputs(kafka, serde, options.prefix, ids);
  const sides = pinned.map(({ asked, served, target }) => {
    const { backfillId, reused } = used.get(served.version) ?? { backfillId: '', reused: false };
    const predictions = inputs.predictions.get(backfillId);
    if (!predictions) throw new Error(`no predictions read for backfill ${backfillId}`);
    return {
      side: { asked, backfillId, reused, repeats: predictions.repeats } satisfies ComparedSide,
      scores: versionScores(served, target, predictions),
    };
  });
  return {
    modelName: options.modelName,
    from,
    to,
    a: sides[0].side,
    b: sides[1].side,
    comparison: compareVersions(sides[0].scores, sides[1].scores, inputs.outcomes),
  };
}

/** Resolves a version ('champion': the champion now) and what it predicts. */
async function pin(
  kafka: Kafka,
  serde: EventSerde,
  artifacts: ModelArtifactStore,
  asked: string,
  options: CompareOptions,
): Promise<PinnedVersion> {
  const served = await resolveModelVersion(
    kafka,
    serde,
    options.modelName,
    asked,
    options.prefix,
  ).catch((error: unknown) => {
    throw new InfraError((error as Error).message);
  });
  const target =
    options.target ??
    (await modelTargetOf(options.modelName, served, artifacts).catch((error: unknown) => {
      throw new InfraError(
        `the target of ${served.version} is unknown (${(error as Error).message}); give --artifacts or --target`,
      );
    }));
  return { asked, served, target };
}

/** Runs one backfill to its end with the existing machinery; its id, or an error unless completed. */
async function runBackfill(
  version: string,
  from: number | null,
  to: number,
  options: CompareOptions,
): Promise<string> {
  const request: BackfillOptions = {
    from: from ?? undefined,
    to,
    model: version,
    modelName: options.modelName,
    maxRate: options.maxRate,
    chunk: options.chunk,
    local: options.local,
    // The comparison reads patient.predictions.backfill: the topic target is the one it needs.
    into: ['TOPIC'],
    schema: 'public',
    artifacts: options.artifacts,
    timeout: options.timeout,
    prefix: options.prefix,
    brokers: options.brokers,
    registry: options.registry,
    // Stdout is the comparison's (a table, or JSON for machines).
    print: (line: string) => console.error(line),
  };
  const completed = await backfill(request);
  if (completed.status !== 'COMPLETED')
    throw new InfraError(
      `the backfill of ${version} ended ${completed.status}${completed.reason ? `: ${completed.reason}` : ''}`,
    );
  return completed.backfillId;
}

function versionScores(
  served: ServedModel,
  target: ReadmissionTarget,
  predictions: BackfillPredictions,
): VersionScores {
  const written = [...predictions.versions];
  if (written.some((version) => version !== served.version))
    throw new InfraError(
      `backfill ${predictions.backfillId} holds predictions of ${written.join(', ')}, not only ${served.version}`,
    );
  return {
    version: served.version,
    threshold: predictions.threshold ?? served.threshold,
    target,
    scores: predictions.scores,
  };
}
