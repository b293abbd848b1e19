import {
  TOPICS,
  type ChampionEvaluation,
  type ModelImportRequested,
  type TrainingRequested,
} from '@readmit/contracts';
import { candidatesFor, FEATURE_SPEC_VERSION, parseFeatureSpec, type ModelInfo } from '@readmit/ml';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  EventConsumer,
  newEnvelope,
  type EventPublisher,
  type EventSerde,
  type KafkaMetrics,
  type MessageContext,
} from '@readmit/platform/kafka';
import { type DatasetStore, type ModelArtifactStore } from '@readmit/platform/storage';
import { readServing } from '@readmit/platform/serving';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { decideOnRequest } from '../domain/finished-runs';
import { assembleTrainingSet, type LabelledEncounter } from '../domain/training-set';
import { evaluateChampion, type ChampionArtifact } from '../infrastructure/champion-evaluation';
import { readTrainingLog, type TrainingLog } from '../infrastructure/training-log';
import { TrainingOutcomesFollower } from '../infrastructure/training-outcomes-follower';
import { trainInWorker } from '../infrastructure/train-in-worker';
import { TrainerMetrics } from './trainer-metrics';
import { TARGET_OF_TASK } from './dataset-export';
import { TRAINER_SEED } from './prepare-dataset';
import { judgeImportedModel } from './judge-import';
import { TrainingError, type SubgroupMetrics } from './train-models';

export interface TrainingRunnerOptions {
  readonly groupId: string;
  readonly topicPrefix: string;
  /** Names this service in the events it writes, e.g. trainer@0.1.0. */
  readonly producer: string;
  readonly seed?: number;
  /** `/ready` is false while the request consumer (or the outcomes follower) is out of its group. */
  readonly readiness?: ReadinessRegistry;
  /** Where exports keep the feature specs imported models name; without it imports fail. */
  readonly datasets?: DatasetStore;
}

/** What the trainer answers with a TrainingCompleted or TrainingFailed of the same runId. */
export type RunRequest = TrainingRequested | ModelImportRequested;

/** A run's model and its judgement, whether trained here or imported. */
interface RunResult {
  readonly artifact: Uint8Array;
  readonly info: ModelInfo;
  readonly metrics: Record<string, number>;
  readonly subgroupMetrics: readonly SubgroupMetrics[];
  readonly split: { readonly train: number; readonly validation: number; readonly holdout: number };
  readonly holdoutId: string;
  readonly championEvaluation: ChampionEvaluation | null;
  readonly batchIds: string[];
}

/** A sortable version: the request's asOf time, then the run id's start (2026-11-23T10:15:00Z → 20261123T101500-1a2b3c4d). */
export function modelVersionOf(request: Pick<RunRequest, 'asOf' | 'runId'>): string {
  const stamp = new Date(request.asOf).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${request.runId.replace(/-/g, '').slice(0, 8)}`;
}

/**
 * The trainer's loop: for each TrainingRequested, read the log, assemble the point-in-time
 * training set, train on a worker thread (heartbeating the group meanwhile), score the current
 * champion on the same holdout, store the artifact and announce TrainingCompleted, or
 * TrainingFailed with the stage and reason. Requests are delivered at least once (a rebalance
 * during a long run, a restart between publishing the outcome and committing the offset): a
 * request whose run already has its outcome on ml.training is skipped, not trained again.
 */
export class TrainingRunner {
  private readonly consumer: EventConsumer;
  private readonly outcomes: TrainingOutcomesFollower;
  private readonly trainerMetrics: TrainerMetrics;
  /** Runs this process is training now, by run id. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    metrics: KafkaMetrics,
    private readonly publisher: EventPublisher,
    private readonly artifacts: ModelArtifactStore,
    private readonly logger: Logger,
    registry: Registry,
    private readonly options: TrainingRunnerOptions,
  ) {
    this.consumer = new EventConsumer(kafka, serde, metrics, logger, {
      groupId: options.groupId,
      topics: [TOPICS.training],
      topicPrefix: options.topicPrefix,
      readiness: options.readiness,
    });
    this.outcomes = new TrainingOutcomesFollower(kafka, serde, logger, {
      topicPrefix: options.topicPrefix,
      readiness: options.readiness,
      metrics,
    });
    // Built here rather than passed in: one runner per process, and its callers (the service,
    // the CLI, tests) hand it the Registry to report to.
    this.trainerMetrics = new TrainerMetrics(registry);
  }

  async start(): Promise<void> {
    // Before the first request: each one waits for the outcomes on the log to be read.
    await this.outcomes.start();
    await this.consumer.start({
      TrainingRequested: (request, context) => this.handle(request, context),
      ModelImportRequested: (request, context) => this.handle(request, context),
    });
  }

  whenJoined(): Promise<void> {
    return this.consumer.whenJoined();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.outcomes.stop();
  }

  private enter(stage: string): void {
    this.trainerMetrics.inProgress.reset();
    this.trainerMetrics.inProgress.set({ stage }, 1);
  }

  /**
   * The current champion's verified artifact, to be scored on this run's holdout; null when there
   * is no champion or it cannot be loaded (the run goes on without a comparison, said in a warning).
   */
  private async championToJudge(modelName: string, log: Logger): Promise<ChampionArtifact | null> {
    let champion;
    try {
      // The champion now: ml.models read to its end, under the rules every follower of it uses.
      const current = await readServing(this.kafka, this.serde, {
        modelName,
        topicPrefix: this.options.topicPrefix,
        purpose: 'trainer-champion',
      });
      if (Object.values(current.skipped).some((count) => count > 0))
        log.warn({ skipped: current.skipped }, 'ml.models holds messages that were left out');
      champion = current.served.champion;
    } catch (error) {
      log.warn({ reason: (error as Error).message }, 'the champion could not be looked up');
      return null;
    }
    if (!champion) return null;
    try {
      const bytes = await this.artifacts.load(champion.artifactUri, champion.artifactSha256);
      return {
        version: champion.version,
        artifactSha256: champion.artifactSha256,
        threshold: champion.threshold,
        bytes,
      };
    } catch (error) {
      log.warn(
        { championVersion: champion.version, reason: (error as Error).message },
        'the champion artifact could not be loaded',
      );
      return null;
    }
  }

  /**
   * Trains the request (or judges the imported model) unless its run already has an outcome on
   * ml.training. When the log cannot be read now, the error is retriable: the consumer retries
   * the request in place.
   */
  async handle(request: RunRequest, context: MessageContext): Promise<void> {
    const modelVersion = modelVersionOf(request);
    // Waiting for the log (or for a run in flight) can take longer than the session timeout.
    const heartbeat = setInterval(() => void context.heartbeat().catch(() => undefined), 3_000);
    try {
      // A consumer that replaced a crashed one is handed the requests whose offsets were never
      // committed, one of which this process may still be training: wait for that run, whose
      // outcome is then on the log, rather than train it a second time alongside.
      await this.inFlight.get(request.runId)?.catch(() => undefined);
      const verdict = decideOnRequest(request, modelVersion, await this.outcomes.finishedAsOfNow());
      if (verdict.kind === 'skip') {
        this.trainerMetrics.skippedRuns.inc({ reason: verdict.reason });
        this.logger.info(
          {
            runId: request.runId,
            modelName: request.modelName,
            modelVersion,
            reason: verdict.reason,
            outcome: verdict.finished.outcome,
            outcomeRunId: verdict.finished.runId,
          },
          'training request skipped: its outcome is already on the log',
        );
        return;
      }
    } finally {
      clearInterval(heartbeat);
    }
    const running = this.run(request, context);
    this.inFlight.set(request.runId, running);
    try {
      await running;
    } finally {
      if (this.inFlight.get(request.runId) === running) this.inFlight.delete(request.runId);
    }
  }

  /** Reads patient.encounters and patient.outcomes, counting (and saying) what is left out. */
  private async readLog(log: Logger): Promise<TrainingLog> {
    const trainingLog = await readTrainingLog(this.kafka, this.serde, this.options.topicPrefix);
    const { invalid, undecodable, misrouted } = trainingLog;
    // Without keys a sealed log would train on nothing, or on what was written in the clear.
    const sealed = trainingLog.skipped.sealed_without_keys;
    if (sealed > 0)
      throw new Error(
        `${sealed} patient events on the log are sealed under patients' data keys and this trainer holds none: run it with READMIT_KEK and the key database the services use`,
      );
    this.trainerMetrics.eventsLeftOut.inc({ reason: 'invalid_event' }, invalid);
    this.trainerMetrics.eventsLeftOut.inc({ reason: 'undecodable' }, undecodable);
    this.trainerMetrics.eventsLeftOut.inc({ reason: 'unexpected_event_type' }, misrouted);
    if (invalid + undecodable + misrouted > 0)
      log.warn(
        { invalid, undecodable, misrouted },
        'events left out of the training set: they break the field rules, cannot be decoded or are on the wrong topic',
      );
    return trainingLog;
  }

  /** Trains candidates on the set (TrainingRequested), on a worker thread. */
  private async train(
    request: TrainingRequested,
    rows: readonly LabelledEncounter[],
    champion: ChampionArtifact | null,
    started: number,
    log: Logger,
  ): Promise<RunResult> {
    const result = await trainInWorker(
      {
        input: {
          modelName: request.modelName,
          modelVersion: modelVersionOf(request),
          target: TARGET_OF_TASK[request.task],
          rows,
          candidates: candidatesFor(request.candidates),
          seed: this.options.seed ?? TRAINER_SEED,
          trainedAt: started,
          producerVersion: this.options.producer,
        },
        champion,
      },
      (progressStage, detail) => log.info({ stage: progressStage }, detail),
    );
    if (result.champion && !result.champion.evaluation)
      log.warn({ reason: result.champion.reason }, 'the champion was not evaluated');
    return {
      ...result,
      championEvaluation: result.champion?.evaluation ?? null,
      batchIds: [...request.triggeredBy],
    };
  }

  /** Judges an uploaded model (ModelImportRequested) on the set's holdout, beside the champion. */
  private async judgeImport(
    request: ModelImportRequested,
    rows: readonly LabelledEncounter[],
    champion: ChampionArtifact | null,
    started: number,
    log: Logger,
  ): Promise<RunResult> {
    const onnx = await this.artifacts.load(request.stagedArtifactUri, request.stagedArtifactSha256);
    if (!this.options.datasets)
      throw new TrainingError(
        'request',
        'this trainer keeps no dataset exports: it cannot judge imported models',
      );
    const featureSpec = parseFeatureSpec(
      await this.options.datasets.featureSpec(request.featureSpecId),
    );
    const target = TARGET_OF_TASK[request.task];
    const judged = await judgeImportedModel(
      {
        modelName: request.modelName,
        modelVersion: modelVersionOf(request),
        target,
        onnx,
        featureSpec,
        featureSpecId: request.featureSpecId,
        threshold: request.threshold,
        framework: request.framework,
        claimedMetrics: request.claimedMetrics,
        trainedAt: started,
      },
      rows,
      this.options.seed ?? TRAINER_SEED,
    );
    const verdict = champion ? await evaluateChampion(champion, judged.holdout, target) : null;
    if (verdict && !verdict.evaluation)
      log.warn({ reason: verdict.reason }, 'the champion was not evaluated');
    return { ...judged, championEvaluation: verdict?.evaluation ?? null, batchIds: [] };
  }

  async run(request: RunRequest, context: MessageContext): Promise<void> {
    const started = Date.now();
    const log = this.logger.child({ runId: request.runId, modelName: request.modelName });
    const heartbeat = setInterval(() => void context.heartbeat().catch(() => undefined), 3_000);
    const modelVersion = modelVersionOf(request);
    const imported = 'stagedArtifactUri' in request;
    let stage = 'request';
    try {
      this.enter(stage);
      if (!imported) candidatesFor(request.candidates);
      stage = 'read';
      this.enter(stage);
      log.info(
        imported
          ? {
              asOf: request.asOf,
              framework: request.framework,
              featureSpecId: request.featureSpecId,
            }
          : { asOf: request.asOf, candidates: request.candidates },
        imported ? 'imported model judging started' : 'training run started',
      );
      const trainingLog = await this.readLog(log);
      const champion = await this.championToJudge(request.modelName, log);
      stage = 'assemble';
      this.enter(stage);
      const set = assembleTrainingSet(trainingLog.encounters, trainingLog.outcomes, request.asOf);
      log.info(
        {
          rows: set.rows.length,
          unlabelled: set.unlabelled,
          outcomesAfterAsOf: set.outcomesAfterAsOf,
          immatureDerivedLabels: set.immature,
        },
        'training set assembled',
      );
      stage = imported ? 'evaluate' : 'train';
      this.enter(stage);
      const result = imported
        ? await this.judgeImport(request, set.rows, champion, started, log)
        : await this.train(request, set.rows, champion, started, log);
      const { championEvaluation } = result;
      stage = 'store';
      this.enter(stage);
      const stored = await this.artifacts.save(request.modelName, modelVersion, result.artifact);
      await this.publisher.publish('TrainingCompleted', request.runId, {
        envelope: newEnvelope('TrainingCompleted', {
          producer: this.options.producer,
          causedBy: request.envelope,
        }),
        runId: request.runId,
        modelName: request.modelName,
        modelVersion,
        algorithm: result.info.algorithm,
        params: { ...result.info.params },
        artifactUri: stored.uri,
        artifactSha256: stored.sha256,
        featureSpecVersion: String(FEATURE_SPEC_VERSION),
        threshold: result.info.threshold,
        metrics: result.metrics,
        subgroupMetrics: result.subgroupMetrics.map((entry) => ({ ...entry })),
        lineage: {
          encounterRanges: trainingLog.encounterRanges,
          outcomeRanges: trainingLog.outcomeRanges,
          batchIds: result.batchIds,
          trainRows: result.split.train,
          validationRows: result.split.validation,
          holdoutRows: result.split.holdout,
          holdoutId: result.holdoutId,
        },
        durationMs: Date.now() - started,
        championEvaluation,
      });
      this.trainerMetrics.runs.inc({ outcome: 'completed' });
      this.trainerMetrics.durationSeconds.observe(
        { outcome: 'completed' },
        (Date.now() - started) / 1000,
      );
      this.trainerMetrics.holdoutMetric.reset();
      for (const [metric, value] of Object.entries(result.metrics))
        this.trainerMetrics.holdoutMetric.set(
          { model_name: request.modelName, model_version: modelVersion, metric },
          value,
        );
      log.info(
        {
          modelVersion,
          algorithm: result.info.algorithm,
          rocAuc: result.metrics.roc_auc,
          championVersion: championEvaluation?.version ?? null,
          championRocAuc: championEvaluation?.metrics.roc_auc ?? null,
          durationMs: Date.now() - started,
        },
        imported ? 'imported model judged' : 'training run completed',
      );
    } catch (error) {
      const failedStage = error instanceof TrainingError ? error.stage : stage;
      const reason = (error as Error).message;
      // Not enough data, a bad request or a model that cannot score will not fix themselves;
      // reading or storing may.
      const retriable =
        !(error instanceof TrainingError) && ['read', 'store'].includes(failedStage);
      await this.publisher.publish('TrainingFailed', request.runId, {
        envelope: newEnvelope('TrainingFailed', {
          producer: this.options.producer,
          causedBy: request.envelope,
        }),
        runId: request.runId,
        modelName: request.modelName,
        stage: failedStage,
        reason,
        retriable,
      });
      this.trainerMetrics.runs.inc({ outcome: 'failed' });
      this.trainerMetrics.durationSeconds.observe(
        { outcome: 'failed' },
        (Date.now() - started) / 1000,
      );
      log.warn({ stage: failedStage, reason }, 'training run failed');
    } finally {
      clearInterval(heartbeat);
      this.trainerMetrics.inProgress.reset();
    }
  }
}
