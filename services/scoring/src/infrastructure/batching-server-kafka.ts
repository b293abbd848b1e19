import {
  KafkaHeaders,
  ServerKafka,
  type KafkaOptions,
  type OutgoingResponse,
} from '@nestjs/microservices';
import type { Batch, Consumer, EachBatchPayload, Message } from 'kafkajs';

/** One request read from the request topic, with where it was read. */
export interface IncomingRequest {
  readonly data: unknown;
  readonly partition: number;
  readonly offset: number;
  /** When the gateway produced it (ms since the epoch, the record's timestamp). */
  readonly producedAt: number;
}

/** Answers every request of a fetched batch at once, one reply per request, in order. */
export type BatchRequestHandler = (requests: readonly IncomingRequest[]) => Promise<unknown[]>;

/** Where a partition's requests have been answered up to: the next offset to read. */
interface AnsweredOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

interface PendingReply {
  readonly request: IncomingRequest;
  readonly correlationId: string;
  readonly replyTopic: string;
  readonly replyPartition: string | undefined;
}

/**
 * Nest's Kafka transport, answering a fetched batch of requests together instead of one message
 * at a time. `ServerKafka` hands kafkajs an `eachMessage` handler, so each request waits for the
 * one before it to be scored and its events acknowledged (~5 ms each here); under load the queue,
 * not the work, made the latency. This server keeps Nest's wire protocol (its parser,
 * deserializer, serializer and reply headers), so `ClientKafka` in the gateway talks to it
 * unchanged, and only replaces the consuming loop: each batch of a partition goes to the handler
 * as a whole and its replies leave in one produce request.
 *
 * Offsets are committed on a timer, off the fetch path: kafkajs 2.2.4 with `autoCommit` commits
 * after every batch whatever `autoCommitInterval` says, and the next fetch waits for that round
 * trip, so every request arriving meanwhile waited for it too. A request whose offset was not
 * committed before a crash or rebalance is answered again by the next owner; the gateway keeps
 * the first answer.
 */
export class BatchingServerKafka extends ServerKafka {
  private readonly replies = new Set<Promise<unknown>>();
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
    consumer.on(consumer.events.GROUP_JOIN, () => this.answered.clear());
    await consumer.run({
      ...(this.options.run ?? {}),
      eachBatch: (payload: EachBatchPayload) => this.answerBatch(payload),
    });
    this.committer = setInterval(() => void this.commitAnswered(consumer), this.commitIntervalMs);
    this.committer.unref();
  }

  override async close(): Promise<void> {
    clearInterval(this.committer);
    await Promise.allSettled([...this.replies]);
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

  private async answerBatch({ batch }: EachBatchPayload): Promise<void> {
    const pending: PendingReply[] = [];
    for (const message of batch.messages) {
      const raw = this.parser!.parse<Message & { headers: Record<string, string | undefined> }>(
        Object.assign(message, { topic: batch.topic, partition: batch.partition }),
      );
      const correlationId = raw.headers[KafkaHeaders.CORRELATION_ID];
      const replyTopic = raw.headers[KafkaHeaders.REPLY_TOPIC];
      // Without a reply address it is not a request: nobody waits for an answer.
      if (!correlationId || !replyTopic) continue;
      const packet = await this.deserializer.deserialize(raw, { channel: batch.topic });
      pending.push({
        request: {
          data: packet.data,
          partition: batch.partition,
          offset: Number(message.offset),
          producedAt: Number(message.timestamp),
        },
        correlationId,
        replyTopic,
        replyPartition: raw.headers[KafkaHeaders.REPLY_PARTITION],
      });
    }
    if (pending.length === 0) return this.markAnswered(batch);
    const responses = await this.handleRequests(pending.map((entry) => entry.request));
    this.markAnswered(batch);
    const messagesByTopic = new Map<string, Message[]>();
    for (const [index, entry] of pending.entries()) {
      // Nest serializes the response value itself, although the serializer is typed for packets.
      const response = responses[index] as OutgoingResponse;
      const outgoing = (await this.serializer.serialize(response)) as Message & {
        headers: Record<string, Buffer | string>;
      };
      this.assignReplyPartition(entry.replyPartition, outgoing);
      this.assignCorrelationIdHeader(entry.correlationId, outgoing);
      // One reply per request: it also closes the client's observable.
      this.assignIsDisposedHeader({ id: entry.correlationId, isDisposed: true }, outgoing);
      const messages = messagesByTopic.get(entry.replyTopic) ?? [];
      messages.push(outgoing);
      messagesByTopic.set(entry.replyTopic, messages);
    }
    // Replies are not awaited before the next fetch: a lost reply is a timeout at the gateway,
    // a redelivered request is answered twice and the gateway keeps the first answer.
    const sending = this.producer!.sendBatch({
      topicMessages: [...messagesByTopic].map(([topic, messages]) => ({ topic, messages })),
    }).catch((error: unknown) =>
      this.logger.error(`replies to ${pending.length} requests not sent: ${String(error)}`),
    );
    this.replies.add(sending);
    void sending.finally(() => this.replies.delete(sending));
  }
}
