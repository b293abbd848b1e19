import { TOPICS } from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  newEnvelope,
  TransactionalProcessor,
  type DecodedMessage,
  type EventSerde,
  type KafkaMetrics,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import {
  encounterInputOf,
  predictedLabel,
  predictionOf,
  scoreBatchThenRows,
  type EncounterInput,
} from '@readmit/ml';
import type { LoadedModel } from '@readmit/platform/serving';
import type { ScoringMetrics } from './scoring-metrics';
import type { ServingModels } from './serving-models';

export interface StreamScorerOptions {
  readonly groupId: string;
  /** Stable per instance, so a restarted instance fences its crashed predecessor. */
  readonly transactionalId: string;
  readonly topicPrefix: string;
  /** Encounters per transaction: one onnxruntime call each. */
  readonly batchSize: number;
  /** Names this service in the events it writes. */
  readonly producer: string;
  readonly sessionTimeoutMs?: number;
  /** Static membership: a restarted instance takes its partitions back at once (GroupMember). */
  readonly groupInstanceId?: string;
  /** `/ready` is false while the scoring consumer is out of its group. */
  readonly readiness?: ReadinessRegistry;
}

type Encounter = DecodedMessage<'EncounterRecorded'>;

/**
 * Stream scoring, exactly once: each micro-batch of patient.encounters is scored by the champion
 * (one onnxruntime call) and, when there is one, by the challenger, and the PredictionMade events
 * (champion's to patient.predictions, challenger's to patient.predictions.shadow) are written in
 * one Kafka transaction with the consumed offsets. After any crash every encounter has exactly one
 * prediction for read_committed readers. It starts once a champion serves: until then encounters
 * wait in the log.
 */
export class StreamScorer {
  private readonly processor: TransactionalProcessor;
  private started = false;
  private stopped = false;
  private requestStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => {
    this.requestStop = resolve;
  });

  constructor(
    kafka: Kafka,
    serde: EventSerde,
    metrics: KafkaMetrics,
    private readonly models: ServingModels,
    private readonly logger: Logger,
    private readonly scoringMetrics: ScoringMetrics,
    private readonly options: StreamScorerOptions,
  ) {
    this.processor = new TransactionalProcessor(kafka, serde, metrics, logger, {
      groupId: options.groupId,
      transactionalId: options.transactionalId,
      topics: [TOPICS.encounters],
      topicPrefix: options.topicPrefix,
      maxMessagesPerTransaction: options.batchSize,
      sessionTimeoutMs: options.sessionTimeoutMs,
      groupInstanceId: options.groupInstanceId,
      readiness: options.readiness,
    });
  }

  /** Waits for a champion, then joins the group and scores (returns once consuming). */
  async start(): Promise<void> {
    // A service stopped before any champion was promoted must not wait for one to shut down.
    await Promise.race([this.models.whenChampion(), this.stopRequested]);
    if (this.stopped) return;
    this.started = true;
    await this.processor.startBatches(['EncounterRecorded'], (batch) => this.score(batch));
  }

  whenJoined(): Promise<void> {
    return this.processor.whenJoined();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.requestStop();
    if (this.started) await this.processor.stop();
  }

  private async score(batch: readonly Encounter[]) {
    const started = performance.now();
    const { champion, challenger } = this.models.snapshot();
    if (!champion) throw new Error('no champion to score with');
    const inputs = batch.map((message) => encounterInputOf(message.event));
    const { scores, rejected } = await this.scoreAll(champion, inputs);
    let shadow: Float32Array | null = null;
    const shadowRefused = new Set<number>();
    if (challenger) {
      try {
        const scored = await this.scoreAll(challenger, inputs);
        shadow = scored.scores;
        for (const { index } of scored.rejected) shadowRefused.add(index);
      } catch (error) {
        this.scoringMetrics.shadowFailures.inc();
        this.logger.warn(
          { version: challenger.version, reason: (error as Error).message },
          'challenger could not score a batch',
        );
      }
    }
    const latencyMs = performance.now() - started;
    this.scoringMetrics.batchSeconds.observe(latencyMs / 1000);
    const refused = new Set(rejected.map((entry) => entry.index));
    const outputs: OutgoingEvent[] = [];
    batch.forEach((message, index) => {
      if (refused.has(index)) return;
      const source = {
        topic: message.context.topic,
        partition: message.context.partition,
        offset: Number(message.context.offset),
      };
      const key = message.event.encounter_id;
      const made = (model: LoadedModel, score: number) =>
        predictionOf(
          newEnvelope('PredictionMade', {
            producer: this.options.producer,
            causedBy: message.event.envelope,
          }),
          message.event,
          score,
          model,
          source,
          latencyMs,
        );
      outputs.push({ eventType: 'PredictionMade', key, event: made(champion, scores[index]) });
      if (challenger && shadow && !shadowRefused.has(index))
        outputs.push({
          eventType: 'PredictionMade',
          key,
          event: made(challenger, shadow[index]),
          topic: TOPICS.shadowPredictions,
        });
    });
    this.countPredictions('champion', champion, scores, refused);
    if (challenger && shadow) this.countPredictions('challenger', challenger, shadow, refused);
    return { outputs, rejected };
  }

  /** Counts a batch's written predictions by label, without the refused rows. */
  private countPredictions(
    role: 'champion' | 'challenger',
    model: LoadedModel,
    scores: Float32Array,
    refused: ReadonlySet<number>,
  ): void {
    let positive = 0;
    let negative = 0;
    scores.forEach((score, index) => {
      if (refused.has(index)) return;
      if (predictedLabel(score, model.threshold)) positive += 1;
      else negative += 1;
    });
    const model_version = model.version;
    if (positive > 0)
      this.scoringMetrics.predictions.inc({ role, model_version, label: 'true' }, positive);
    if (negative > 0)
      this.scoringMetrics.predictions.inc({ role, model_version, label: 'false' }, negative);
  }

  /**
   * Scores the batch in one call; if the session refuses it, row by row, so that one encounter
   * the model cannot score is dead-lettered and the others are not held back.
   */
  private async scoreAll(model: LoadedModel, inputs: readonly EncounterInput[]) {
    const { scores, refused } = await scoreBatchThenRows(model, inputs, (error) =>
      this.logger.warn(
        { version: model.version, reason: error.message },
        'batch refused, scoring row by row',
      ),
    );
    const rejected = refused.map(({ index, reason }) => ({
      index,
      error: `model ${model.version}: ${reason}`,
    }));
    return { scores, rejected };
  }
}
