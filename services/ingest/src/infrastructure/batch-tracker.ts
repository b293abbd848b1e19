import { randomUUID } from 'node:crypto';
import {
  TOPICS,
  topicName,
  type BatchTrigger,
  type EncounterRecorded,
  type OutcomeRecorded,
} from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  ActiveStandbyAssigner,
  deadLetterOf,
  environmentScoped,
  fetchStableOffsets,
  GroupMember,
  newEnvelope,
  PatientForgottenError,
  PoisonMessageError,
  reliableProducerConfig,
  splitIntoRequests,
  toTopicMessages,
  unexpectedEvent,
  type EventSerde,
  type KafkaMetrics,
  type PoisonReason,
} from '@readmit/platform/kafka';
import type { EachBatchPayload, Kafka, Message } from 'kafkajs';
import type { Logger } from 'pino';
import { BatchAccumulator, type BatchPolicy } from '../domain/batch-tracking/batch-accumulator';

export interface BatchTrackerOptions {
  readonly groupId: string;
  readonly transactionalId: string;
  readonly policy: BatchPolicy;
  readonly topicPrefix?: string;
  readonly producer: string;
  readonly sessionTimeoutMs?: number;
  /** `/ready` is false while the tracker's consumer is out of its group. */
  readonly readiness?: ReadinessRegistry;
}

/** A bad message of the open batch, on its way to `<topic>.dlq`. */
interface PendingDeadLetter {
  readonly sourceTopic: string;
  readonly reason: PoisonReason;
  readonly topic: string;
  readonly message: Message;
}

/** Committed-offset metadata: the sequence of the batch the offsets close. */
interface OffsetMetadata {
  readonly batchSequence: number;
}

/**
 * Emits BatchArrived exactly once. It reads encounters and outcomes, keeps the open batch in
 * memory, and commits its consumer offsets only together with the BatchArrived that closes the
 * batch, in one Kafka transaction (the batch's sequence rides in the offset metadata). After a
 * crash or a rebalance it rereads from the last closed batch and rebuilds the open one, so no
 * batch is skipped or repeated. One member holds every partition; others stand by.
 *
 * Bad messages (undecodable, breaking the field rules, or of a type the topic does not carry)
 * count for nothing and are dead-lettered in the transaction that closes their batch, with the
 * offsets that move past them: exactly once, as TransactionalProcessor does, so a reread of the
 * open batch after a rebalance does not write them again. They wait for that batch to close.
 */
export class BatchTracker extends GroupMember {
  private accumulator = new BatchAccumulator();
  private deadLetters: PendingDeadLetter[] = [];
  private lastSequence = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    private readonly options: BatchTrackerOptions,
  ) {
    super(
      kafka,
      {
        groupId: options.groupId,
        topics: [TOPICS.encounters, TOPICS.outcomes],
        topicPrefix: options.topicPrefix,
        sessionTimeoutMs: options.sessionTimeoutMs,
        partitionAssigners: [ActiveStandbyAssigner],
        readiness: options.readiness,
      },
      () =>
        kafka.producer(
          reliableProducerConfig({
            transactionalId: environmentScoped(options.topicPrefix, options.transactionalId),
          }),
        ),
      logger,
    );
    // After any (re)join the group rereads from the committed offsets: start the open batch afresh.
    this.onGroupJoin(() => {
      this.accumulator = new BatchAccumulator();
      this.deadLetters = [];
    });
  }

  async start(): Promise<void> {
    this.lastSequence = await this.committedSequence();
    await this.run((payload) => this.processBatch(payload));
  }

  private async processBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const position = {
        topic: batch.topic,
        partition: batch.partition,
        offset: Number(message.offset),
      };
      try {
        const { eventType, event } = await this.serde.decode(message.value);
        // An OutcomeRecorded on patient.encounters is a writer's mistake, not a label.
        const unexpected = unexpectedEvent(batch.topic, this.serde.topicPrefix, eventType);
        if (unexpected) throw unexpected;
        if (eventType === 'EncounterRecorded')
          this.accumulator.addEncounter(position, event as EncounterRecorded);
        else if (eventType === 'OutcomeRecorded')
          this.accumulator.addOutcome(position, event as OutcomeRecorded);
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        this.accumulator.passOver(position);
        // A forgotten patient's event is passed over, not dead-lettered: nothing is wrong with it.
        if (!(error instanceof PatientForgottenError)) {
          const letter = deadLetterOf(
            {
              topic: batch.topic,
              partition: batch.partition,
              message,
              group: this.options.groupId,
            },
            error.reason,
            error.message,
          );
          this.deadLetters.push({ sourceTopic: batch.topic, reason: error.reason, ...letter });
          this.logger.warn(
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              reason: error.reason,
              error: error.message,
            },
            'batch tracker passed over a bad message; it is dead-lettered when its batch closes',
          );
        }
      }
      resolveOffset(message.offset);
      const trigger = this.accumulator.due(this.options.policy);
      if (trigger) await this.closeBatch(trigger);
    }
    await heartbeat();
  }

  private async closeBatch(trigger: BatchTrigger): Promise<void> {
    const sequence = this.lastSequence + 1;
    const envelope = newEnvelope('BatchArrived', { producer: this.options.producer });
    const batchId = `batch-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
    const event = this.accumulator.close(envelope, batchId, sequence, trigger);
    const metadata = JSON.stringify({ batchSequence: sequence } satisfies OffsetMetadata);
    const byTopic = new Map<
      string,
      Array<{ partition: number; offset: string; metadata: string }>
    >();
    for (const next of this.accumulator.nextOffsets()) {
      byTopic.set(next.topic, [
        ...(byTopic.get(next.topic) ?? []),
        { partition: next.partition, offset: String(next.offset), metadata },
      ]);
    }
    const prefix = this.options.topicPrefix ?? '';
    const [output] = toTopicMessages(
      this.serde,
      [{ eventType: 'BatchArrived', key: batchId, event }],
      prefix,
    );
    const deadLetters = this.deadLetters;
    const topicMessages = [
      { topic: output.topic, messages: output.messages },
      ...deadLetters.map((letter) => ({ topic: letter.topic, messages: [letter.message] })),
    ];
    await this.inTransaction(async (transaction) => {
      // Many dead letters go out in several produce requests, all in this transaction.
      for (const request of splitIntoRequests(topicMessages))
        await transaction.sendBatch({ topicMessages: request });
      // kafkajs sends partition metadata through to the broker; its typings just do not say so.
      const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
      await transaction.sendOffsets({ consumerGroupId: this.clusterGroupId, topics });
    });
    this.metrics.produced.inc({ topic: output.topic, event_type: 'BatchArrived' });
    for (const letter of deadLetters)
      this.metrics.deadLetters.inc({
        topic: letter.sourceTopic,
        reason: letter.reason,
        group: this.options.groupId,
      });
    this.lastSequence = sequence;
    this.accumulator = new BatchAccumulator();
    this.deadLetters = [];
    this.logger.info(
      {
        batchId,
        sequence,
        trigger,
        labeled: event.labeledCount,
        encounters: event.encounterCount,
        deadLetters: deadLetters.length,
      },
      'batch arrived',
    );
  }

  /** The sequence of the last closed batch, from the metadata committed with its offsets. */
  private async committedSequence(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const prefix = this.options.topicPrefix ?? '';
      // Once the last transaction has completed: a batch sequence read one transaction behind
      // would close that batch again.
      const offsets = await fetchStableOffsets(admin, this.clusterGroupId, [
        topicName(TOPICS.encounters, prefix),
        topicName(TOPICS.outcomes, prefix),
      ]);
      let sequence = 0;
      for (const { partitions } of offsets) {
        for (const { metadata } of partitions) {
          if (!metadata) continue;
          const parsed = JSON.parse(metadata) as Partial<OffsetMetadata>;
          sequence = Math.max(sequence, parsed.batchSequence ?? 0);
        }
      }
      return sequence;
    } finally {
      await admin.disconnect();
    }
  }
}
