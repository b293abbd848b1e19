import {
  isDescribeRequest,
  RPC_TOPICS,
  topicName,
  type PredictReply,
  type PredictRequest,
  type ScoringReply,
} from '@readmit/contracts';
import type { KafkaSecurity } from '@readmit/platform/config';
import {
  kafkaConnectionSecurity,
  newEnvelope,
  socketWithoutDelay,
  type EventPublisher,
  type OutgoingEvent,
  type TopicMessages,
} from '@readmit/platform/kafka';
import type { Logger } from 'pino';
import { predictedLabel, predictionOf } from '@readmit/ml';
import type { Message } from 'kafkajs';
import {
  BatchingServerKafka,
  type IncomingRequest,
  type ReplyMessage,
} from '../infrastructure/batching-server-kafka';
import { Coalescer } from './coalescer';
import { describeServing, idsOf, refusalOf, requestMatrix, rowsOf } from './prediction-requests';
import type { LoadedModel } from '@readmit/platform/serving';
import type { ScoringMetrics } from './scoring-metrics';
import type { ServingModels } from './serving-models';

export interface PredictionServerOptions {
  readonly brokers: readonly string[];
  /** TLS and SASL of the service's own Kafka client: Nest's server makes a client of its own. */
  readonly security: KafkaSecurity;
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
 * and the replies leave in the same produce request as the PredictionMade event of every
 * prediction in them. Scoring instances share the request topic's partitions through one
 * consumer group.
 */
export class PredictionServer {
  private readonly server: BatchingServerKafka;
  private readonly pattern: string;
  private readonly coalescer: Coalescer<IncomingRequest, ScoringReply>;

  constructor(
    private readonly models: ServingModels,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    private readonly metrics: ScoringMetrics,
    private readonly options: PredictionServerOptions,
  ) {
    this.pattern = topicName(RPC_TOPICS.scoringRequests, options.topicPrefix);
    this.coalescer = new Coalescer((requests) => this.answerAll(requests));
    this.server = new BatchingServerKafka(
      {
        client: {
          brokers: [...options.brokers],
          clientId: options.clientId,
          ...kafkaConnectionSecurity(options.security),
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
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.listen((error?: unknown) => (error ? reject(error) : resolve()));
    });
  }

  async stop(): Promise<void> {
    await this.server.close();
  }

  /** Throws unless the request consumer is in its group (the `/ready` check of request-reply). */
  assertConsuming(): void {
    if (!this.server.isConsuming)
      throw new Error('the prediction request consumer is not in its group');
  }

  /**
   * Answers the requests: one reply per request, in order, sent in one produce request with the
   * PredictionMade events of the predictions in them. Resolves once both are acknowledged.
   * A describe request is answered from the champion serving now, without scoring.
   */
  async answerAll(requests: readonly IncomingRequest[]): Promise<ScoringReply[]> {
    const stopTimer = this.metrics.requestSeconds.startTimer();
    this.metrics.requestBatchSizes.observe(requests.length);
    const now = Date.now();
    for (const request of requests)
      this.metrics.requestWaits.observe(Math.max(0, now - request.producedAt) / 1000);
    const started = performance.now();
    const { champion } = this.models.snapshot();
    const replies: (ScoringReply | undefined)[] = requests.map(({ data }) =>
      isDescribeRequest(data) ? describeServing(champion) : refusalOf(data, champion),
    );
    const events: OutgoingEvent[] = [];
    const valid = requests.filter((_, index) => replies[index] === undefined);
    if (champion && valid.length > 0) {
      let scored: Scored;
      try {
        scored = await this.score(champion, valid, started);
      } catch {
        // One request the model refuses must not fail the others scored with it.
        const alone = await Promise.all(
          valid.map((request) => this.scoreAlone(champion, request, started)),
        );
        const aloneReplies = alone.flatMap((one) => one.replies);
        scored = { replies: aloneReplies, events: alone.flatMap((one) => one.events) };
      }
      events.push(...scored.events);
      let next = 0;
      for (const [index, reply] of replies.entries())
        if (reply === undefined) replies[index] = scored.replies[next++];
    }
    const done = await this.send(requests, replies as ScoringReply[], events);
    done.forEach((reply, index) =>
      this.metrics.requests.inc({
        outcome: isDescribeRequest(requests[index].data)
          ? 'described'
          : reply.ok
            ? 'ok'
            : reply.error,
      }),
    );
    stopTimer();
    return done;
  }

  /**
   * The replies and the events in one produce request: one round trip, where publishing the
   * events first and then replying took two. If that fails, the replies may not have left: each
   * request is answered unavailable (the gateway keeps whichever answer came first). Returns
   * the replies sent.
   */
  private async send(
    requests: readonly IncomingRequest[],
    replies: ScoringReply[],
    events: readonly OutgoingEvent[],
  ): Promise<ScoringReply[]> {
    const replyMessages = async (answers: readonly ScoringReply[]) =>
      byTopic(
        await Promise.all(
          requests.map((request, index) => this.server.replyMessage(request, answers[index])),
        ),
      );
    try {
      await this.publisher.publishAll(events, await replyMessages(replies));
      return replies;
    } catch (error) {
      this.logger.error(
        { err: error, requests: requests.length, events: events.length },
        'predictions and their replies not sent: answering unavailable',
      );
      const unavailable: ScoringReply = {
        ok: false,
        error: 'unavailable',
        message: 'the predictions could not be recorded',
      };
      const unavailableReplies = replies.map(() => unavailable);
      await this.publisher
        .publishAll([], await replyMessages(unavailableReplies))
        .catch((again: unknown) =>
          this.logger.error({ err: again }, 'unavailable replies not sent either'),
        );
      return unavailableReplies;
    }
  }

  private scoreAlone(
    champion: LoadedModel,
    request: IncomingRequest,
    started: number,
  ): Promise<Scored> {
    return this.score(champion, [request], started).catch((error: unknown): Scored => ({
      replies: [
        {
          ok: false,
          error: 'unavailable',
          message: `scoring failed: ${(error as Error).message}`,
        },
      ],
      events: [],
    }));
  }

  /** Scores the requests' encounters in one model run: the replies and one event per prediction. */
  private async score(
    champion: LoadedModel,
    requests: readonly IncomingRequest[],
    started: number,
  ): Promise<Scored> {
    const bodies = requests.map(({ data }) => data as PredictRequest);
    const matrix = requestMatrix(champion.encoder, bodies);
    const scores = await champion.scorer.score(matrix);
    const latencyMs = performance.now() - started;
    const events: OutgoingEvent[] = [];
    let first = 0;
    const replies = bodies.map((body, index): PredictReply => {
      const rows = rowsOf(body);
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
      const predictions = Array.from({ length: rows }, (_, row) => {
        const score = scores[first + row];
        return {
          encounter_id: idsOf(body, row).encounter_id,
          score,
          label: predictedLabel(score, champion.threshold),
          threshold: champion.threshold,
          contributions: explained ? explained[row] : null,
        };
      });
      predictions.forEach((prediction, row) =>
        events.push({
          eventType: 'PredictionMade',
          key: prediction.encounter_id,
          event: predictionOf(
            newEnvelope('PredictionMade', {
              producer: this.options.producer,
              correlationId: body.requestId,
            }),
            idsOf(body, row),
            prediction.score,
            champion,
            source,
            latencyMs,
            prediction.contributions ? [...prediction.contributions] : null,
          ),
        }),
      );
      first += rows;
      return {
        ok: true,
        modelName: champion.modelName,
        modelVersion: champion.version,
        predictions,
        latencyMs,
      };
    });
    return { replies, events };
  }
}

/** Replies grouped by their topic, for one produce request. */
function byTopic(replies: readonly ReplyMessage[]): TopicMessages[] {
  const grouped = new Map<string, Message[]>();
  for (const { topic, message } of replies) {
    const messages = grouped.get(topic) ?? [];
    messages.push(message);
    grouped.set(topic, messages);
  }
  return [...grouped].map(([topic, messages]) => ({ topic, messages }));
}

interface Scored {
  readonly replies: PredictReply[];
  readonly events: OutgoingEvent[];
}
