import { RPC_TOPICS, topicName, type PredictReply, type PredictRequest } from '@readmit/contracts';
import {
  newEnvelope,
  socketWithoutDelay,
  type EventPublisher,
  type OutgoingEvent,
} from '@readmit/platform';
import { KafkaContext, ServerKafka } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { predictionOf } from '../domain/predictions';
import type { ServingModels } from './serving-models';

export interface PredictionServerOptions {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
  /** Shared by every scoring instance: requests are spread over them. */
  readonly groupId: string;
  readonly clientId: string;
  /** Names this service in the events it writes. */
  readonly producer: string;
  /** Most contributions returned per prediction when asked to explain. */
  readonly topContributions: number;
}

/**
 * Synchronous predictions for the gateway, over @nestjs/microservices' Kafka request-reply: each
 * request is scored by the champion serving now (explained when asked), every prediction is
 * published as a PredictionMade event, then the reply goes back. Scoring instances share the
 * request topic's partitions through one consumer group.
 */
export class PredictionServer {
  private readonly server: ServerKafka;
  private readonly pattern: string;
  private readonly requests: Counter<'outcome'>;
  private readonly seconds: Histogram;

  constructor(
    private readonly models: ServingModels,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    registry: Registry,
    private readonly options: PredictionServerOptions,
  ) {
    this.pattern = topicName(RPC_TOPICS.scoringRequests, options.topicPrefix);
    this.server = new ServerKafka({
      client: {
        brokers: [...options.brokers],
        clientId: options.clientId,
        logLevel: 0,
        socketFactory: socketWithoutDelay,
      },
      consumer: { groupId: options.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
      subscribe: { fromBeginning: false },
      // kafkajs commits after every batch by default: one more broker round trip before the
      // next fetch, for each request in turn. A redelivered request is only answered twice.
      run: { autoCommitInterval: 1_000 },
      postfixId: '',
    });
    this.requests = new Counter({
      name: 'readmit_scoring_requests_total',
      help: 'Synchronous prediction requests, by outcome (ok, unavailable, invalid).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'readmit_scoring_request_seconds',
      help: 'Handling one synchronous prediction request: scoring, publishing the events.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    // The handler takes the payload and Nest's Kafka context (partition and offset of the request).
    const handler = (request: PredictRequest, context: KafkaContext) =>
      this.answer(request, context);
    this.server.addHandler(this.pattern, handler as Parameters<ServerKafka['addHandler']>[1]);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.listen((error?: unknown) => (error ? reject(error) : resolve()));
    });
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  async answer(request: PredictRequest, context?: KafkaContext): Promise<PredictReply> {
    const stopTimer = this.seconds.startTimer();
    const started = performance.now();
    const reply = await this.score(request, context, started).catch(
      (error: unknown): PredictReply => ({
        ok: false,
        error: 'unavailable',
        message: `scoring failed: ${(error as Error).message}`,
      }),
    );
    this.requests.inc({ outcome: reply.ok ? 'ok' : reply.error });
    stopTimer();
    return reply;
  }

  private async score(
    request: PredictRequest,
    context: KafkaContext | undefined,
    started: number,
  ): Promise<PredictReply> {
    const { champion } = this.models.snapshot();
    if (!champion)
      return { ok: false, error: 'unavailable', message: 'no champion model is serving yet' };
    if (!Array.isArray(request?.encounters) || request.encounters.length === 0)
      return { ok: false, error: 'invalid', message: 'the request has no encounters' };
    const matrix = champion.encoder.encodeAll(request.encounters);
    const scores = await champion.scorer.score(matrix);
    const explained =
      request.explain && champion.explainer
        ? champion.explainer.explain(matrix, this.options.topContributions)
        : null;
    const latencyMs = performance.now() - started;
    const source = {
      topic: this.pattern,
      partition: context?.getPartition() ?? -1,
      offset: Number(context?.getMessage().offset ?? -1),
    };
    const predictions = request.encounters.map((encounter, index) => ({
      encounter_id: encounter.encounter_id,
      score: scores[index],
      label: scores[index] >= champion.threshold,
      threshold: champion.threshold,
      contributions: explained ? explained[index] : null,
    }));
    const events: OutgoingEvent[] = predictions.map((prediction) => ({
      eventType: 'PredictionMade',
      key: String(prediction.encounter_id),
      event: predictionOf(
        newEnvelope('PredictionMade', {
          producer: this.options.producer,
          correlationId: request.requestId,
        }),
        prediction.encounter_id,
        prediction.score,
        champion,
        source,
        latencyMs,
        prediction.contributions ? [...prediction.contributions] : null,
      ),
    }));
    await this.publisher.publishAll(events);
    return {
      ok: true,
      modelName: champion.modelName,
      modelVersion: champion.version,
      predictions,
      latencyMs: performance.now() - started,
    };
  }
}
