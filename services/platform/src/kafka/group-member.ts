import { topicName, type TopicDefinition } from '@readmit/contracts';
import type { Logger } from 'pino';
import type {
  Batch,
  EachBatchPayload,
  Kafka,
  PartitionAssigner,
  Producer,
  Transaction,
} from 'kafkajs';
import { GroupLagReader } from './consumer-lag';
import { fetchStableOffsets } from './stable-offsets';
import { environmentScoped } from './environment-scope';
import type { KafkaMetrics } from './kafka-metrics';
import type { ReadinessRegistry } from '../health/readiness';
import { SupervisedConsumer } from './supervised-consumer';
import { isIndefiniteOutcome, unavailableAsRetriable } from './broker-unavailable';
import { RetriableKafkaError } from './kafka-errors';
import type { StallReporter } from './retry';

export interface GroupMemberOptions {
  /** The group's name; on the cluster it carries the topic prefix (see environmentScoped). */
  readonly groupId: string;
  readonly topics: readonly TopicDefinition[];
  readonly topicPrefix?: string;
  /** Start from the beginning of the log when the group has no committed offset (default true). */
  readonly fromBeginning?: boolean;
  /** How long the group waits for a silent member before rebalancing (kafkajs default 30 s). */
  readonly sessionTimeoutMs?: number;
  /** How partitions are spread over members (kafkajs' round robin by default). */
  readonly partitionAssigners?: PartitionAssigner[];
  /**
   * Static group membership (KIP-345): an id stable across restarts of this instance, unique in
   * the group. A restarted instance then takes its partitions back at once instead of waiting
   * out its dead predecessor's session; a clean stop still leaves the group.
   */
  readonly groupInstanceId?: string;
  /** When given, `/ready` is false while this member is not in its group. */
  readonly readiness?: ReadinessRegistry;
}

/**
 * What our consumers share: a read_committed consumer in a group that comes back after a crash
 * (SupervisedConsumer), batches delivered without automatic offset handling, the producer the
 * member writes with, and a clean stop.
 */
export abstract class GroupMember {
  /** The group id on the cluster: the name scoped to this environment's topic prefix. */
  protected readonly clusterGroupId: string;
  private readonly joined: Promise<void>;
  private running = false;
  private supervised: SupervisedConsumer | undefined;
  private readonly joinListeners: Array<() => void> = [];

  /** The producer the member writes with (replaced when its transaction state is lost). */
  protected producer: Producer;
  private producerNeedsReset = false;

  protected constructor(
    private readonly clusterKafka: Kafka,
    private readonly memberOptions: GroupMemberOptions,
    /** Makes the member's producer: once at start, again to replace a broken transactional one. */
    private readonly makeProducer: () => Producer,
    protected readonly memberLogger: Logger,
  ) {
    this.producer = makeProducer();
    this.clusterGroupId = environmentScoped(memberOptions.topicPrefix, memberOptions.groupId);
    this.joined = new Promise((resolve) =>
      this.onGroupJoin(() => {
        this.joins += 1;
        resolve();
      }),
    );
  }

  private joins = 0;
  /** Stops reading this group's lag at each scrape (set once the first batch is recorded). */
  private unwatchLag: (() => Promise<void>) | undefined;

  /** How many times this member has joined its group: more than once means a rebalance. */
  get groupJoins(): number {
    return this.joins;
  }

  /** How many times a crashed consumer of this member was replaced by a new one. */
  get consumerRestarts(): number {
    return this.supervised?.restartCount ?? 0;
  }

  /** Where handlers that retry in place report it, so readiness tells the consumer is stalled. */
  protected readonly stalls: StallReporter = {
    stalled: (key, error) => this.supervised?.stalled(key, error),
    recovered: (key) => this.supervised?.recovered(key),
  };

  /** Resolves once the member has joined its group and holds partitions. */
  whenJoined(): Promise<void> {
    return this.joined;
  }

  /** Runs `listener` after every join of the group, by every consumer this member runs. */
  protected onGroupJoin(listener: () => void): void {
    this.joinListeners.push(listener);
  }

  /** Finishes the batch work in hand (subclasses commit what they handled), then leaves the group. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.unwatchLag?.();
    this.unwatchLag = undefined;
    await this.supervised?.stop();
    await this.producer.disconnect();
  }

  /**
   * Messages between what this member has read of a partition and its high watermark; from the
   * first batch on, each scrape also reads the group's committed lag from the cluster.
   */
  protected recordLag(metrics: KafkaMetrics, batch: Batch): void {
    if (!this.unwatchLag && this.running) {
      const prefix = this.memberOptions.topicPrefix ?? '';
      const topics = this.memberOptions.topics.map((topic) => topicName(topic, prefix));
      this.unwatchLag = metrics.watchLag(
        new GroupLagReader(this.clusterKafka, this.clusterGroupId, topics),
        this.memberOptions.groupId,
      );
    }
    metrics.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition), group: this.memberOptions.groupId },
      Number(batch.offsetLag()),
    );
  }

  /**
   * One Kafka transaction of the member's producer: committed when `work` resolves, aborted when
   * anything throws. After an indefinite outcome (a request timeout, a connection lost under a
   * request: see isIndefiniteOutcome), and when the abort fails too (the broker went away
   * mid-commit), the producer's
   * view of its transaction cannot be trusted, and kafkajs would refuse every later transaction
   * ("Transaction state exception"): a consumer that retries for ever and scores nothing. So the
   * producer is replaced by a new one with the same transactional id before the next try; its
   * initialisation fences the old one and aborts whatever it left open on the broker, and the
   * offsets consumed in that transaction are redelivered.
   */
  protected async inTransaction(work: (transaction: Transaction) => Promise<void>): Promise<void> {
    if (this.producerNeedsReset) await this.replaceProducer();
    let transaction: Transaction;
    try {
      transaction = await this.producer.transaction();
    } catch (error) {
      this.producerNeedsReset = true;
      throw new RetriableKafkaError(
        `could not begin a transaction: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    try {
      await work(transaction);
      await transaction.commit();
    } catch (error) {
      if (isIndefiniteOutcome(error)) {
        // Retrying on this producer could write into a transaction whose state is unknown.
        this.producerNeedsReset = true;
        this.memberLogger.warn(
          { err: error, group: this.memberOptions.groupId },
          'transaction failed with an indefinite outcome; the producer will be replaced before the next transaction',
        );
      }
      await transaction.abort().catch((abortError: unknown) => {
        this.producerNeedsReset = true;
        this.memberLogger.warn(
          { err: abortError, group: this.memberOptions.groupId },
          'transaction abort failed; the producer will be replaced before the next transaction',
        );
      });
      throw unavailableAsRetriable(error, 'a transaction');
    }
  }

  /**
   * Replaces the producer now if a failed transaction left it suspect. Its replacement's
   * initialisation completes or aborts whatever the old one left open, so what the group has
   * committed is settled once this returns.
   */
  protected async settleProducer(): Promise<void> {
    if (this.producerNeedsReset) await this.replaceProducer();
  }

  /**
   * The group's committed offset of a partition (the next to read), or null if none; once no
   * transaction is still writing it.
   */
  protected async committedOffset(topic: string, partition: number): Promise<bigint | null> {
    const admin = this.clusterKafka.admin();
    await admin.connect();
    try {
      const [committed] = await fetchStableOffsets(admin, this.clusterGroupId, [topic]);
      const offset = committed?.partitions.find((entry) => entry.partition === partition)?.offset;
      return offset === undefined || BigInt(offset) < 0n ? null : BigInt(offset);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async replaceProducer(): Promise<void> {
    const broken = this.producer;
    this.producer = this.makeProducer();
    await broken.disconnect().catch(() => undefined);
    try {
      await this.producer.connect();
      this.producerNeedsReset = false;
      this.memberLogger.info(
        { group: this.memberOptions.groupId },
        'transactional producer replaced after a lost transaction',
      );
    } catch (error) {
      throw new RetriableKafkaError(
        `could not connect a new transactional producer: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  protected async run(
    eachBatch: (payload: EachBatchPayload) => Promise<void>,
    concurrency = 1,
  ): Promise<void> {
    const prefix = this.memberOptions.topicPrefix ?? '';
    await this.producer.connect();
    const supervised = new SupervisedConsumer(
      this.clusterKafka,
      {
        name: this.memberOptions.groupId,
        config: {
          groupId: this.clusterGroupId,
          readUncommitted: false,
          sessionTimeout: this.memberOptions.sessionTimeoutMs,
          groupInstanceId: this.memberOptions.groupInstanceId,
          partitionAssigners: this.memberOptions.partitionAssigners,
        },
        topics: this.memberOptions.topics.map((topic) => topicName(topic, prefix)),
        fromBeginning: this.memberOptions.fromBeginning ?? true,
        run: () => ({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: concurrency,
          eachBatch,
        }),
        readiness: this.memberOptions.readiness,
      },
      this.memberLogger,
    );
    for (const listener of this.joinListeners) supervised.onGroupJoin(listener);
    this.supervised = supervised;
    this.running = true;
    await supervised.start();
  }
}
