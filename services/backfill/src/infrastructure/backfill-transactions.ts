import { topicName, topicOf } from '@readmit/contracts';
import type { KafkaSecurity } from '@readmit/platform/config';
import {
  environmentScoped,
  OffThreadTransactions,
  PackWriter,
  type EventSerde,
  type OutgoingEvent,
} from '@readmit/platform/kafka';

export interface BackfillTransactionsOptions {
  readonly backfillId: string;
  readonly topicPrefix: string;
  /** The brokers, for the producer thread (the Kafka client does not tell them). */
  readonly brokers: readonly string[];
  /** How long the broker keeps a dead run's open transaction before aborting it. */
  readonly transactionTimeoutMs?: number;
  /** Log level of the producer thread's Kafka client (default warn). */
  readonly kafkaLogLevel?: string;
  /** TLS and SASL to the brokers (the service's READMIT_KAFKA_TLS…, _SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
}

/**
 * A backfill run's transactional producer, on a thread of its own. One transactional id per
 * backfill: a resumed run fences the one it replaces.
 */
export class BackfillTransactions {
  private readonly transactions: OffThreadTransactions;

  constructor(
    private readonly serde: EventSerde,
    private readonly options: BackfillTransactionsOptions,
  ) {
    this.transactions = new OffThreadTransactions({
      brokers: options.brokers,
      clientId: `readmit-backfill-${options.backfillId}`,
      transactionalId: environmentScoped(
        options.topicPrefix,
        `readmit-backfill-${options.backfillId}`,
      ),
      transactionTimeoutMs: options.transactionTimeoutMs ?? 10_000,
      logLevel: options.kafkaLogLevel,
      security: options.security,
    });
  }

  /** Aborts a predecessor's open transaction, so the checkpoint read next is the last that holds. */
  fence(): Promise<void> {
    return this.transactions.fence();
  }

  /**
   * One transaction: the outputs, then the checkpoint (and the end, when given). It is handed to
   * the producer thread before this returns its promise, so transactions commit in the order
   * they are asked for.
   */
  async commit(outputs: readonly OutgoingEvent[], progress: OutgoingEvent): Promise<void> {
    const ordered = [
      ...outputs.filter((o) => o.eventType === 'PredictionMade'),
      progress,
      ...outputs.filter((o) => o.eventType !== 'PredictionMade'),
    ];
    // Encoded here, straight into the batch handed to the producer thread; kafkajs's share of
    // the work (record batches, CRCs) runs there, and a chunk larger than one produce request
    // goes out in several, all in this transaction (predictions keep their encounters' keys: a
    // chunk may land on one partition).
    const batch = new PackWriter(ordered.length * 384);
    for (const outgoing of ordered)
      batch.addWritten(
        topicName(outgoing.topic ?? topicOf(outgoing.eventType), this.options.topicPrefix),
        outgoing.key,
        outgoing.eventType,
        (target, offset) =>
          this.serde.encodeInto(outgoing.eventType, outgoing.event, target, offset, outgoing.topic),
      );
    await this.transactions.commit(batch.finish());
  }

  /** Waits for the transactions asked for, then stops the producer thread. */
  disconnect(): Promise<void> {
    return this.transactions.disconnect();
  }
}
