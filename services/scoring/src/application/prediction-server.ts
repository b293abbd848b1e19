import { RPC_TOPICS, topicName, type PredictReply, type PredictRequest } from '@readmit/contracts';
import {
  newEnvelope,
  socketWithoutDelay,
  type EventPublisher,
  type OutgoingEvent,
} from '@readmit/platform';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { predictionOf } from '../domain/predictions';
import { BatchingServerKafka, type IncomingRequest } from '../infrastructure/batching-server-kafka';
import { Coalescer } from './coalescer';
import type { LoadedModel } from '../infrastructure/model-loader';
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
 * Synchronous predictions for the gateway, over @nestjs/microservices' Kafka request-reply: the
 * requests of one fetch are scored together by the champion serving now (explained when asked),
 * every prediction is published as a PredictionMade event, then the replies go back. Scoring
 * instances share the request topic's partitions through one consumer group.
 */
export class PredictionServer {
  private readonly server: BatchingServerKafka;
  private readonly pattern: string;
  private readonly coalescer: Coalescer<IncomingRequest, PredictReply>;
  private readonly requests: Counter<'outcome'>;
  private readonly seconds: Histogram;
  private readonly batchSizes: Histogram;
  private readonly waits: Histogram;

  constructor(
    private readonly models: ServingModels,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    registry: Registry,
    private readonly options: PredictionServerOptions,
  ) {
    this.pattern = topicName(RPC_TOPICS.scoringRequests, options.topicPrefix);
    this.coalescer = new Coalescer((requests) => this.answerAll(requests));
    this.server = new BatchingServerKafka(
      {
        client: {
          brokers: [...options.brokers],
          clientId: options.clientId,
          logLevel: 0,
          socketFactory: socketWithoutDelay,
        },
        consumer: { groupId: options.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
        subscribe: { fromBeginning: false },
        run: {
          // Offsets are committed every second by the server itself, off the fetch path.
          // The partitions' batches of one fetch are handled together (see Coalescer).
          partitionsConsumedConcurrently: RPC_TOPICS.scoringRequests.partitions,
        },
        postfixId: '',
      },
      this.pattern,
      (requests) => this.coalescer.submit(requests),
    );
    this.requests = new Counter({
      name: 'readmit_scoring_requests_total',
      help: 'Synchronous prediction requests, by outcome (ok, unavailable, invalid).',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'readmit_scoring_request_seconds',
      help: 'Answering the synchronous prediction requests scored together: scoring, publishing the events.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    this.waits = new Histogram({
      name: 'readmit_scoring_request_wait_seconds',
      help: 'From a request being produced to its scoring starting: the Kafka hop and the queue.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
    this.batchSizes = new Histogram({
      name: 'readmit_scoring_request_batch_size',
      help: 'Synchronous prediction requests scored together in one model run.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.listen((error?: unknown) => (error ? reject(error) : resolve()));
    });
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  /** One reply per request, in order. */
  async answerAll(requests: readonly IncomingRequest[]): Promise<PredictReply[]> {
    const stopTimer = this.seconds.startTimer();
    this.batchSizes.observe(requests.length);
    const now = Date.now();
    for (const request of requests)
      this.waits.observe(Math.max(0, now - request.producedAt) / 1000);
    const started = performance.now();
    const { champion } = this.models.snapshot();
    const replies: (PredictReply | undefined)[] = requests.map(({ data }) =>
      !champion
        ? { ok: false, error: 'unavailable', message: 'no champion model is serving yet' }
        : !hasEncounters(data)
          ? { ok: false, error: 'invalid', message: 'the request has no encounters' }
          : undefined,
    );
    const valid = requests.filter((_, index) => replies[index] === undefined);
    if (champion && valid.length > 0) {
      const answered = await this.score(champion, valid, started).catch(() =>
        // One request the model refuses must not fail the others scored with it.
        Promise.all(valid.map((request) => this.scoreAlone(champion, request, started))),
      );
      let next = 0;
      for (const [index, reply] of replies.entries())
        if (reply === undefined) replies[index] = answered[next++];
    }
    const done = replies as PredictReply[];
    for (const reply of done) this.requests.inc({ outcome: reply.ok ? 'ok' : reply.error });
    stopTimer();
    return done;
  }

  private scoreAlone(
    champion: LoadedModel,
    request: IncomingRequest,
    started: number,
  ): Promise<PredictReply> {
    return this.score(champion, [request], started).then(
      ([reply]) => reply,
      (error: unknown): PredictReply => ({
        ok: false,
        error: 'unavailable',
        message: `scoring failed: ${(error as Error).message}`,
      }),
    );
  }

  /** Scores the requests' encounters in one model run and publishes one event per prediction. */
  private async score(
    champion: LoadedModel,
    requests: readonly IncomingRequest[],
    started: number,
  ): Promise<PredictReply[]> {
    const bodies = requests.map(({ data }) => data as PredictRequest);
    const matrix = champion.encoder.encodeAll(bodies.flatMap((body) => body.encounters));
    const scores = await champion.scorer.score(matrix);
    const latencyMs = performance.now() - started;
    const events: OutgoingEvent[] = [];
    let first = 0;
    const replies = bodies.map((body, index): PredictReply => {
      const rows = body.encounters.length;
      const explained =
        body.explain && champion.explainer
          ? champion.explainer.explain(
              {
                rows,
                columns: matrix.columns,
                values: matrix.values.subarray(
                  first * matrix.columns,
                  (first + rows) * matrix.columns,
                ),
              },
              this.options.topContributions,
            )
          : null;
      const source = {
        topic: this.pattern,
        partition: requests[index].partition,
        offset: requests[index].offset,
      };
      const predictions = body.encounters.map((encounter, row) => {
        const score = scores[first + row];
        return {
          encounter_id: encounter.encounter_id,
          score,
          label: score >= champion.threshold,
          threshold: champion.threshold,
          contributions: explained ? explained[row] : null,
        };
      });
      for (const prediction of predictions)
        events.push({
          eventType: 'PredictionMade',
          key: String(prediction.encounter_id),
          event: predictionOf(
            newEnvelope('PredictionMade', {
              producer: this.options.producer,
              correlationId: body.requestId,
            }),
            prediction.encounter_id,
            prediction.score,
            champion,
            source,
            latencyMs,
            prediction.contributions ? [...prediction.contributions] : null,
          ),
        });
      first += rows;
      return {
        ok: true,
        modelName: champion.modelName,
        modelVersion: champion.version,
        predictions,
        latencyMs,
      };
    });
    await this.publisher.publishAll(events);
    return replies;
  }
}

function hasEncounters(data: unknown): data is PredictRequest {
  const encounters = (data as Partial<PredictRequest> | null)?.encounters;
  return Array.isArray(encounters) && encounters.length > 0;
}
