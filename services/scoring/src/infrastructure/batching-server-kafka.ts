import {
  KafkaHeaders,
  ServerKafka,
  type KafkaOptions,
  type OutgoingResponse,
} from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Message } from 'kafkajs';

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
 */
export class BatchingServerKafka extends ServerKafka {
  private readonly replies = new Set<Promise<unknown>>();

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly topic: string,
    private readonly handleRequests: BatchRequestHandler,
  ) {
    super(options);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    await consumer.subscribe({ ...(this.options.subscribe ?? {}), topics: [this.topic] });
    await consumer.run({
      ...(this.options.run ?? {}),
      eachBatch: (payload: EachBatchPayload) => this.answerBatch(payload),
    });
  }

  override async close(): Promise<void> {
    await Promise.allSettled([...this.replies]);
    await super.close();
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
    if (pending.length === 0) return;
    const responses = await this.handleRequests(pending.map((entry) => entry.request));
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
