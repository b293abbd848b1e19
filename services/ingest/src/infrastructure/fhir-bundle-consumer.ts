import { TOPICS } from '@readmit/contracts';
import {
  deadLetterOf,
  GroupMember,
  reliableProducerConfig,
  type GroupMemberOptions,
  type KafkaMetrics,
  type PoisonReason,
} from '@readmit/platform/kafka';
import { RetryAbandoned, retryWhileRunning } from '@readmit/platform/kafka/retry';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';

/** What became of one message: taken (wholly or in part), or refused as it stands. */
export type BundleVerdict =
  | { readonly kind: 'taken' }
  | { readonly kind: 'refused'; readonly reason: PoisonReason; readonly error: string };

/**
 * Takes one message's value (a FHIR Bundle as JSON) in: resolves once its encounters are
 * published, or with `refused` when the bundle (or some entries of a batch) cannot be taken.
 * Throws when the platform is away (the broker, the database): the message is tried again.
 */
export type BundleHandler = (value: Buffer) => Promise<BundleVerdict>;

/**
 * Reads fhir.bundles (JSON Bundles from hospital integration engines) at least once: each message
 * is handed to the ingest path (`POST /fhir`'s), whose publishing is idempotent by encounter, so
 * a redelivery records nothing twice. A message that cannot be taken goes to `fhir.bundles.dlq`
 * with its reason (issue locations only, never values) and reading goes on; a platform outage
 * is retried in place.
 */
export class FhirBundleConsumer extends GroupMember {
  constructor(
    kafka: Kafka,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    private readonly options: Omit<GroupMemberOptions, 'topics'>,
  ) {
    super(
      kafka,
      { ...options, topics: [TOPICS.fhirBundles] },
      () => kafka.producer(reliableProducerConfig()),
      logger,
    );
  }

  start(handle: BundleHandler): Promise<void> {
    return this.run((payload) => this.processBatch(payload, handle));
  }

  private async processBatch(payload: EachBatchPayload, handle: BundleHandler): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } =
      payload;
    const group = this.options.groupId;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const verdict = await retryWhileRunning(() => this.take(message, handle), {
          shouldContinue: () => isRunning() && !isStale(),
          heartbeat,
          logger: this.logger,
          stalls: this.stalls,
          what: `${batch.topic}[${batch.partition}]@${message.offset}`,
        });
        if (verdict.kind === 'refused') {
          const letter = deadLetterOf(
            { topic: batch.topic, partition: batch.partition, message, group },
            verdict.reason,
            verdict.error,
          );
          await this.producer.send({ topic: letter.topic, messages: [letter.message], acks: -1 });
          this.metrics.deadLetters.inc({ topic: batch.topic, reason: verdict.reason, group });
          this.logger.warn(
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              reason: verdict.reason,
              error: verdict.error,
            },
            'fhir bundle dead-lettered',
          );
        }
        resolveOffset(message.offset);
        await heartbeat();
      }
    } catch (error) {
      // Stopping or the partition moved: what was resolved is committed below; the rest is redelivered.
      if (!(error instanceof RetryAbandoned)) throw error;
    }
    await commitOffsetsIfNecessary();
    this.recordLag(this.metrics, batch);
  }

  private async take(message: KafkaMessage, handle: BundleHandler): Promise<BundleVerdict> {
    if (!message.value || message.value.length === 0)
      return { kind: 'refused', reason: 'undecodable', error: 'an empty message (a tombstone?)' };
    return handle(message.value);
  }
}
