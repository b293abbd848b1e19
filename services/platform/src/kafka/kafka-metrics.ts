import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GroupLagReader, TopicReplication } from './consumer-lag';

/** How long a scrape waits for the cluster's offsets before it reports the last values it has. */
const LAG_READ_TIMEOUT_MS = 2_000;

/** Prometheus metrics of the Kafka layer; one set per registry, shared by its producers and consumers. */
export class KafkaMetrics {
  readonly consumed: Counter<'topic' | 'event_type' | 'group'>;
  readonly produced: Counter<'topic' | 'event_type'>;
  readonly deadLetters: Counter<'topic' | 'reason' | 'group'>;
  readonly skipped: Counter<'topic' | 'event_type' | 'group'>;
  readonly handlerDuration: Histogram<'topic' | 'event_type' | 'group'>;
  readonly consumerLag: Gauge<'topic' | 'partition' | 'group'>;
  readonly underReplicated: Gauge<'topic'>;
  readonly withoutLeader: Gauge<'topic'>;

  private static readonly byRegistry = new WeakMap<Registry, KafkaMetrics>();
  /** The groups whose lag each scrape reads from the cluster, with their `group` label. */
  private readonly lagReaders = new Map<GroupLagReader, string>();

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
    this.skipped = new Counter({
      name: 'readmit_kafka_messages_skipped_total',
      help: 'Messages of an event type their topic carries that the consumer has no handler for (also counted as consumed), by topic, event type and consumer group.',
      labelNames: ['topic', 'event_type', 'group'],
      registers: [registry],
    });
    this.handlerDuration = new Histogram({
      name: 'readmit_kafka_handler_duration_seconds',
      help: 'Time spent handling one message.',
      labelNames: ['topic', 'event_type', 'group'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const lagReaders = this.lagReaders;
    this.consumerLag = new Gauge({
      name: 'readmit_kafka_consumer_lag',
      help: "Messages between a group's committed offset and the partition high watermark, read from the cluster at each scrape (and updated from fetched batches in between).",
      labelNames: ['topic', 'partition', 'group'],
      registers: [registry],
      async collect() {
        await Promise.all(
          [...lagReaders].map(async ([reader, group]) => {
            try {
              for (const { topic, partition, lag } of await withTimeout(reader.read()))
                this.set({ topic, partition: String(partition), group }, lag);
            } catch {
              // The cluster did not answer in time: the last values stay until the next scrape.
            }
          }),
        );
      },
    });
    // One metadata read per scrape for both gauges: the first collected reads, the second reuses.
    let latest: Promise<Map<string, TopicReplication>> | undefined;
    const replication = (): Promise<Map<string, TopicReplication>> => {
      latest ??= this.readReplication().finally(() => {
        setTimeout(() => (latest = undefined), 1_000).unref();
      });
      return latest;
    };
    this.underReplicated = new Gauge({
      name: 'readmit_kafka_under_replicated_partitions',
      help: 'Partitions of a topic this service consumes with fewer in-sync replicas than replicas (a broker down or catching up), read from the cluster at each scrape.',
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        for (const { topic, underReplicated } of (await replication()).values())
          this.set({ topic }, underReplicated);
      },
    });
    this.withoutLeader = new Gauge({
      name: 'readmit_kafka_partitions_without_leader',
      help: 'Partitions of a topic this service consumes that have no leader (unavailable), read from the cluster at each scrape.',
      labelNames: ['topic'],
      registers: [registry],
      async collect() {
        for (const { topic, withoutLeader } of (await replication()).values())
          this.set({ topic }, withoutLeader);
      },
    });
  }

  /**
   * The replication of the topics the groups read, from the cluster's metadata at each scrape
   * (each topic once, whichever groups read it).
   */
  private async readReplication(): Promise<Map<string, TopicReplication>> {
    const byTopic = new Map<string, TopicReplication>();
    await Promise.all(
      [...this.lagReaders.keys()].map(async (reader) => {
        try {
          for (const topic of await withTimeout(reader.readReplication()))
            byTopic.set(topic.topic, topic);
        } catch {
          // The cluster did not answer in time: the last values stay until the next scrape.
        }
      }),
    );
    return byTopic;
  }

  /** Reads this group's lag from the cluster at every scrape, until the returned function is called. */
  watchLag(reader: GroupLagReader, group: string): () => Promise<void> {
    this.lagReaders.set(reader, group);
    return async () => {
      this.lagReaders.delete(reader);
      await reader.close();
    };
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), LAG_READ_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
