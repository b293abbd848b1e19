import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { topicName, topicOf } from '@readmit/contracts';
import type { Logger } from 'pino';
import type { OutgoingEvent } from '../event-publisher';
import type { KafkaMetrics } from '../kafka-metrics';
import type { EventSerde } from '../serde/event-serde';
import type { KafkaSecurity } from '../../config/kafka-security-config';
import { PackWriter } from './packed-messages';
import type { SenderReply, SenderRequest, SenderSettings } from './sender-protocol';
import { startWorker } from '../../workers/start-worker';

export interface OffThreadPublisherOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPrefix?: string;
  /** Batches handed over and not yet acknowledged, at most (backpressure). */
  readonly maxBatchesInFlight?: number;
  /** Log level of the sender thread's Kafka client. */
  readonly logLevel?: string;
  /** TLS and SASL to the brokers (the service's READMIT_KAFKA_TLS…, _SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
}

/** A handed-over batch: how many events of each topic and type it holds, for the metrics. */
type InFlight = ReadonlyMap<string, { topic: string; eventType: string; count: number }>;

function startSender(settings: SenderSettings): Worker {
  return startWorker(join(__dirname, 'sender.worker'), __filename, settings);
}

/**
 * A high-volume publisher for bulk loads: events are encoded (Avro, schema registry) on the
 * calling thread and sent by an idempotent kafkajs producer on a worker thread, so encoding and
 * kafkajs's own per-message work run on two cores (bench/README.md). `publishAll` returns once
 * the batch is handed over and few enough batches await their acks; `flush` waits for every
 * ack. Batches are sent one at a time in order, so order per partition is kept. A failed send
 * fails the next call. (A second sender thread was measured and gained nothing on 2 cores.)
 */
export class OffThreadPublisher {
  private readonly worker: Worker;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly maxInFlight: number;
  private readonly topicPrefix: string;
  private nextId = 0;
  private failure: Error | null = null;
  private slotFreed: (() => void) | null = null;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    options: OffThreadPublisherOptions,
  ) {
    this.maxInFlight = options.maxBatchesInFlight ?? 3;
    this.topicPrefix = options.topicPrefix ?? '';
    this.worker = startSender({
      brokers: options.brokers,
      clientId: options.clientId,
      logLevel: options.logLevel ?? 'warn',
      security: options.security,
    });
    this.worker.on('message', (reply: SenderReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      if (code !== 0 || (this.inFlight.size > 0 && !this.closed))
        this.failAll(new Error(`the Kafka sender thread stopped (exit code ${code})`));
    });
  }

  /** Encodes and hands over a batch; waits while too many batches await their acks. */
  async publishAll(events: readonly OutgoingEvent[]): Promise<void> {
    this.throwIfFailed();
    if (events.length === 0) return;
    await this.serde.prepareToWrite(events);
    // Each event is encoded straight into the batch's buffer: no Buffer per event.
    const writer = new PackWriter(events.length * 512);
    const counts = new Map<string, { topic: string; eventType: string; count: number }>();
    for (const outgoing of events) {
      const topic = topicName(topicOf(outgoing.eventType), this.topicPrefix);
      writer.addWritten(topic, outgoing.key, outgoing.eventType, (target, offset) =>
        this.serde.encodeInto(outgoing.eventType, outgoing.event, target, offset),
      );
      const entry = counts.get(`${topic}/${outgoing.eventType}`);
      if (entry) entry.count += 1;
      else
        counts.set(`${topic}/${outgoing.eventType}`, {
          topic,
          eventType: outgoing.eventType,
          count: 1,
        });
    }
    const batch = writer.finish();
    const id = this.nextId++;
    this.inFlight.set(id, counts);
    const request: SenderRequest = { type: 'send', id, batch };
    this.worker.postMessage(request, [batch.buffer]);
    while (this.inFlight.size >= this.maxInFlight && !this.failure)
      await new Promise<void>((resolve) => (this.slotFreed = resolve));
    this.throwIfFailed();
  }

  /** Waits until every handed-over batch is acknowledged by Kafka. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0 && !this.failure)
      await new Promise<void>((resolve) => (this.slotFreed = resolve));
    this.throwIfFailed();
  }

  /** Flushes, then stops the producer and its thread. */
  async disconnect(): Promise<void> {
    if (this.closed) return this.closed;
    this.closed = (async () => {
      try {
        await this.flush();
      } finally {
        const stopped = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
        const request: SenderRequest = { type: 'close' };
        this.worker.postMessage(request);
        await stopped;
        this.logger.debug('off-thread publisher disconnected');
      }
    })();
    return this.closed;
  }

  private onReply(reply: SenderReply): void {
    if (reply.type === 'closed') return;
    const counts = this.inFlight.get(reply.id);
    if (!counts) return;
    this.inFlight.delete(reply.id);
    if (reply.type === 'sent') {
      for (const { topic, eventType, count } of counts.values())
        this.metrics.produced.inc({ topic, event_type: eventType }, count);
    } else {
      this.failAll(new Error(`publishing to Kafka failed: ${reply.message}`));
    }
    this.wake();
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    this.inFlight.clear();
    this.wake();
  }

  private wake(): void {
    const wake = this.slotFreed;
    this.slotFreed = null;
    wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
