import {
  KafkaHeaders,
  ServerKafka,
  type KafkaOptions,
  type OutgoingResponse,
} from '@nestjs/microservices';
import { RestartSchedule, type RestartBackoff } from '@readmit/platform/kafka';
import type { Batch, Consumer, EachBatchPayload, Message } from 'kafkajs';

const RESTART_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 5_000 };

/** Where the answer to a request goes: Nest's reply headers. */
export interface ReplyAddress {
  readonly correlationId: string;
  readonly topic: string;
  readonly partition: string | undefined;
}

/** One request read from the request topic, with where it was read and where to answer. */
export interface IncomingRequest {
  readonly data: unknown;
  readonly partition: number;
  readonly offset: number;
  /** When the gateway produced it (ms since the epoch, the record's timestamp). */
  readonly producedAt: number;
  readonly replyTo: ReplyAddress;
}

/** A reply as a Kafka message, for the handler to send (see `replyMessage`). */
export interface ReplyMessage {
  readonly topic: string;
  readonly message: Message;
}

/**
 * Answers every request of a fetched batch: sends one reply per request, each made by
 * `replyMessage`, before it resolves (so that it can send them together with its own events).
 */
export type BatchRequestHandler = (requests: readonly IncomingRequest[]) => Promise<unknown>;

/** Where a partition's requests have been answered up to: the next offset to read. */
interface AnsweredOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Nest's Kafka transport, answering a fetched batch of requests together instead of one message
 * at a time. `ServerKafka` hands kafkajs an `eachMessage` handler, so each request waits for the
 * one before it to be scored and its events acknowledged (~5 ms each here); under load the queue,
 * not the work, made the latency. This server keeps Nest's wire protocol (its parser,
 * deserializer, serializer and reply headers), so `ClientKafka` in the gateway talks to it
 * unchanged, and only replaces the consuming loop: each batch of a partition goes to the handler
 * as a whole. The handler sends the replies, made by `replyMessage`, in the same produce request
 * as its own events.
 *
 * Offsets are committed on a timer, off the fetch path: kafkajs 2.2.4 with `autoCommit` commits
 * after every batch whatever `autoCommitInterval` says, and the next fetch waits for that round
 * trip, so every request arriving meanwhile waited for it too. A request whose offset was not
 * committed before a crash or rebalance is answered again by the next owner; the gateway keeps
 * the first answer.
 */
export class BatchingServerKafka extends ServerKafka {
  private readonly answered = new Map<string, AnsweredOffset>();
  private committer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly topic: string,
    private readonly handleRequests: BatchRequestHandler,
    private readonly commitIntervalMs = 1_000,
  ) {
    super({ ...options, run: { ...(options.run ?? {}), autoCommit: false } });
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: [this.topic] });
    // After a rebalance the partitions may be another member's: their offsets are its to commit.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.answered.clear();
      this.inGroup = true;
      this.restartSchedule.succeeded();
    });
    // kafkajs leaves a consumer down after a crash it deems non-retriable (a broker away for
    // longer than its retry budget); Nest's transport only reports it. Replace the consumer.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.inGroup = false;
      if (!payload.restart && this.consumer === consumer) this.scheduleRestart(payload.error);
    });
    await consumer.run({
      ...(this.options.run ?? {}),
      eachBatch: (payload: EachBatchPayload) => this.answerBatch(payload),
    });
    clearInterval(this.committer);
    this.committer = setInterval(() => void this.commitAnswered(consumer), this.commitIntervalMs);
    this.committer.unref();
  }

  /** True while the request consumer is in its group (readiness). */
  get isConsuming(): boolean {
    return this.inGroup && !this.closing;
  }

  private inGroup = false;
  private closing = false;
  private readonly restartSchedule = new RestartSchedule(RESTART_BACKOFF);

  private scheduleRestart(error: Error): void {
    if (this.closing) return;
    const delayMs = this.restartSchedule.schedule(() => this.restartConsumer());
    this.logger.error(
      `request consumer crashed (${error.message}); starting a new one in ${delayMs} ms`,
    );
  }

  private async restartConsumer(): Promise<void> {
    if (this.closing || !this.client) return;
    clearInterval(this.committer);
    await this.consumer?.disconnect().catch(() => undefined);
    const consumer = this.client.consumer({
      ...(this.options.consumer ?? {}),
      groupId: this.groupId,
    });
    this.consumer = consumer;
    this.registerConsumerEventListeners();
    try {
      await consumer.connect();
      await this.bindEvents(consumer);
    } catch (error) {
      if (this.consumer === consumer)
        this.scheduleRestart(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override async close(): Promise<void> {
    this.closing = true;
    this.restartSchedule.cancel();
    clearInterval(this.committer);
    // A commit in flight may predate the last answers: wait for it, then commit those too.
    await this.committing;
    if (this.consumer) await this.commitAnswered(this.consumer);
    await super.close();
  }

  /** Commits how far each partition has been answered since the last commit, one at a time. */
  private async commitAnswered(consumer: Consumer): Promise<void> {
    if (this.committing || this.answered.size === 0) return this.committing;
    const offsets = [...this.answered.values()];
    this.answered.clear();
    this.committing = consumer
      .commitOffsets(offsets)
      .catch((error: unknown) =>
        // Only means a few requests may be answered twice after a restart or rebalance.
        this.logger.warn(`request offsets not committed: ${String(error)}`),
      )
      .finally(() => (this.committing = undefined));
    return this.committing;
  }

  private markAnswered(batch: Batch): void {
    this.answered.set(`${batch.topic}:${batch.partition}`, {
      topic: batch.topic,
      partition: batch.partition,
      offset: String(Number(batch.lastOffset()) + 1),
    });
  }

  /** The reply to a request as Nest's `ClientKafka` expects it: serialized, with its headers. */
  async replyMessage(request: IncomingRequest, response: unknown): Promise<ReplyMessage> {
    // Nest serializes the response value itself, although the serializer is typed for packets.
    const message = (await this.serializer.serialize(response as OutgoingResponse)) as Message & {
      headers: Record<string, Buffer | string>;
    };
    this.assignReplyPartition(request.replyTo.partition, message);
    this.assignCorrelationIdHeader(request.replyTo.correlationId, message);
    // One reply per request: it also closes the client's observable.
    this.assignIsDisposedHeader({ id: request.replyTo.correlationId, isDisposed: true }, message);
    return { topic: request.replyTo.topic, message };
  }

  private async answerBatch({ batch }: EachBatchPayload): Promise<void> {
    const requests: IncomingRequest[] = [];
    for (const message of batch.messages) {
      const raw = this.parser!.parse<Message & { headers: Record<string, string | undefined> }>(
        Object.assign(message, { topic: batch.topic, partition: batch.partition }),
      );
      const correlationId = raw.headers[KafkaHeaders.CORRELATION_ID];
      const replyTopic = raw.headers[KafkaHeaders.REPLY_TOPIC];
      // Without a reply address it is not a request: nobody waits for an answer.
      if (!correlationId || !replyTopic) continue;
      const packet = await this.deserializer.deserialize(raw, { channel: batch.topic });
      requests.push({
        data: packet.data,
        partition: batch.partition,
        offset: Number(message.offset),
        producedAt: Number(message.timestamp),
        replyTo: {
          correlationId,
          topic: replyTopic,
          partition: raw.headers[KafkaHeaders.REPLY_PARTITION],
        },
      });
    }
    if (requests.length > 0) await this.handleRequests(requests);
    this.markAnswered(batch);
  }
}
