import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the Kafka layer; one set per registry, shared by its producers and consumers. */
export class KafkaMetrics {
  readonly consumed: Counter<'topic' | 'event_type' | 'group'>;
  readonly produced: Counter<'topic' | 'event_type'>;
  readonly deadLetters: Counter<'topic' | 'reason' | 'group'>;
  readonly handlerDuration: Histogram<'topic' | 'event_type' | 'group'>;
  readonly consumerLag: Gauge<'topic' | 'partition' | 'group'>;

  private static readonly byRegistry = new WeakMap<Registry, KafkaMetrics>();

  static for(registry: Registry): KafkaMetrics {
    let metrics = KafkaMetrics.byRegistry.get(registry);
    if (!metrics) {
      metrics = new KafkaMetrics(registry);
      KafkaMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    this.consumed = new Counter({
      name: 'readmit_kafka_messages_consumed_total',
      help: 'Messages consumed, by topic, event type and consumer group.',
      labelNames: ['topic', 'event_type', 'group'],
      registers: [registry],
    });
    this.produced = new Counter({
      name: 'readmit_kafka_messages_produced_total',
      help: 'Messages produced, by topic and event type.',
      labelNames: ['topic', 'event_type'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'readmit_kafka_dead_letters_total',
      help: 'Messages sent to a dead-letter topic, by source topic and reason.',
      labelNames: ['topic', 'reason', 'group'],
      registers: [registry],
    });
    this.handlerDuration = new Histogram({
      name: 'readmit_kafka_handler_duration_seconds',
      help: 'Time spent handling one message.',
      labelNames: ['topic', 'event_type', 'group'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.consumerLag = new Gauge({
      name: 'readmit_kafka_consumer_lag',
      help: 'Messages between the last consumed offset and the partition high watermark.',
      labelNames: ['topic', 'partition', 'group'],
      registers: [registry],
    });
  }
}
