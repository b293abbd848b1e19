import { randomUUID } from 'node:crypto';
import { ClientKafka } from '@nestjs/microservices';
import {
  RPC_TOPICS,
  topicName,
  type DescribeReply,
  type DescribeRequest,
  type PredictReply,
  type PredictRequest,
  type ScoringRequest,
} from '@readmit/contracts';
import { PLAINTEXT, type KafkaSecurity } from '@readmit/platform/config';
import {
  kafkaConnectionSecurity,
  RestartSchedule,
  socketWithoutDelay,
  type RestartBackoff,
} from '@readmit/platform/kafka';
import { firstValueFrom, timeout as within, TimeoutError } from 'rxjs';

export interface ScoringClientOptions {
  readonly brokers: readonly string[];
  /** TLS and SASL to the brokers (the service's READMIT_KAFKA_TLS…, _SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
  readonly clientId: string;
  readonly topicPrefix: string;
  /** Names this gateway instance's consumer group on the reply topic. */
  readonly instanceId: string;
  /** How long to wait for a reply before saying scoring is unavailable. */
  readonly timeoutMs: number;
  /** Told when the reply consumer crashed and a new connection is on its way. */
  readonly onReconnect?: (error: Error, delayMs: number) => void;
}

const RECONNECT_BACKOFF: RestartBackoff = { initialMs: 500, maxMs: 5_000 };

/** Scoring did not answer in time (down, rebalancing, or overloaded): the caller may retry. */
export class ScoringUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringUnavailableError';
  }
}

/**
 * The gateway's side of Kafka request-reply with the scoring service (@nestjs/microservices).
 * Nest's client sends each request with a reply partition taken from its own assignment and
 * drops replies it has no request for. With a consumer group shared by several gateways, a
 * rebalance moves reply partitions between them: replies land on the wrong instance and
 * requests fail with "did not subscribe to the corresponding reply topic". So each gateway
 * instance reads the reply topic in a group of its own: it owns every reply partition, never
 * rebalances with its peers, and picks its replies out by correlation id.
 */
export class ScoringClient {
  private readonly client: ClientKafka;
  private readonly pattern: string;
  private readonly replyTopic: string;
  private connected = false;

  constructor(private readonly options: ScoringClientOptions) {
    this.pattern = topicName(RPC_TOPICS.scoringRequests, options.topicPrefix);
    this.replyTopic = topicName(RPC_TOPICS.scoringReplies, options.topicPrefix);
    this.client = new ClientKafka({
      client: {
        brokers: [...options.brokers],
        clientId: options.clientId,
        ...kafkaConnectionSecurity(options.security ?? PLAINTEXT),
        logLevel: 0,
        socketFactory: socketWithoutDelay,
      },
      consumer: {
        groupId: `readmit-gateway-replies-${options.instanceId}-${randomUUID()}`,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      },
      subscribe: { fromBeginning: false },
      // The reply group is this process's alone and only wants new replies: nothing to commit,
      // and no commit round trip between two fetches of replies.
      run: { autoCommit: false },
      producer: { allowAutoTopicCreation: false },
      postfixId: '',
    });
    this.client.subscribeToResponseOf(this.pattern);
  }

  /** Connects and waits until the reply partitions are assigned, so no request is sent blind. */
  async connect(deadlineMs = 30_000): Promise<void> {
    this.closed = false;
    await this.client.connect();
    const consumer = this.client.consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.consuming = true;
      this.reconnectSchedule.succeeded();
    });
    // kafkajs leaves a consumer down after a crash it deems non-retriable (a broker away for
    // longer than its retry budget) and Nest's client only reports it: connect anew.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.consuming = false;
      if (!payload.restart) this.scheduleReconnect(payload.error);
    });
    this.consuming = true;
    const deadline = Date.now() + deadlineMs;
    while (this.client.getConsumerAssignments()[this.replyTopic] === undefined) {
      if (Date.now() > deadline)
        throw new ScoringUnavailableError(`no partition of ${this.replyTopic} was assigned`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.connected = true;
  }

  /** For readiness: throws unless connected with the reply partitions assigned. */
  assertReady(): void {
    if (!this.connected) throw new ScoringUnavailableError('not connected to Kafka yet');
    if (!this.consuming)
      throw new ScoringUnavailableError('the reply consumer is down; reconnecting');
    const partitions = this.client.getConsumerAssignments()[this.replyTopic];
    if (partitions === undefined)
      throw new ScoringUnavailableError(`no partition of ${this.replyTopic} is assigned`);
  }

  predict(
    request: Omit<PredictRequest, 'requestId'>,
    requestId: string = randomUUID(),
  ): Promise<PredictReply> {
    return this.call<PredictReply>({ ...request, requestId });
  }

  /** Which model scoring serves now (no prediction is made). */
  describe(requestId: string = randomUUID()): Promise<DescribeReply> {
    const message: DescribeRequest = { requestId, describe: true };
    return this.call<DescribeReply>(message);
  }

  private async call<Reply>(message: ScoringRequest): Promise<Reply> {
    try {
      return await firstValueFrom(
        this.client
          .send<Reply, ScoringRequest>(this.pattern, message)
          .pipe(within(this.options.timeoutMs)),
      );
    } catch (error) {
      if (error instanceof TimeoutError)
        throw new ScoringUnavailableError(
          `scoring did not answer within ${this.options.timeoutMs} ms`,
        );
      throw new ScoringUnavailableError(`scoring request failed: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    this.reconnectSchedule.cancel();
    await this.client.close();
  }

  private consuming = false;
  private closed = false;
  private readonly reconnectSchedule = new RestartSchedule(RECONNECT_BACKOFF);

  private scheduleReconnect(error: Error): void {
    if (this.closed) return;
    this.connected = false;
    const delayMs = this.reconnectSchedule.schedule(async () => {
      if (this.closed) return;
      try {
        await this.client.close();
        await this.connect();
      } catch (reconnectError) {
        this.scheduleReconnect(
          reconnectError instanceof Error ? reconnectError : new Error(String(reconnectError)),
        );
      }
    });
    this.options.onReconnect?.(error, delayMs);
  }
}
