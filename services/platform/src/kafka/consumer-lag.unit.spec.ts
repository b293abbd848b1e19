import { Registry } from 'prom-client';
import { type GroupLagReader, partitionLags, topicReplication } from './consumer-lag';
import { KafkaMetrics } from './kafka-metrics';

describe('partitionLags', () => {
  it('counts from the committed offset, or from the low watermark when the group has none', () => {
    expect(
      partitionLags(
        'patient.encounters',
        [
          { partition: 0, offset: '40' },
          { partition: 1, offset: '-1' },
        ],
        [
          { partition: 0, low: '0', high: '100' },
          { partition: 1, low: '10', high: '25' },
          { partition: 2, low: '7', high: '7' },
        ],
      ),
    ).toEqual([
      { topic: 'patient.encounters', partition: 0, lag: 60 },
      { topic: 'patient.encounters', partition: 1, lag: 15 },
      { topic: 'patient.encounters', partition: 2, lag: 0 },
    ]);
  });
});

describe('readmit_kafka_consumer_lag read at scrape time', () => {
  const lagLine = async (registry: Registry, partition: string) =>
    (await registry.metrics())
      .split('\n')
      .find(
        (line) =>
          line.startsWith('readmit_kafka_consumer_lag{') &&
          line.includes(`partition="${partition}"`),
      );

  it('sets each partition from the reader, keeps the last values when the cluster fails, and stops when unwatched', async () => {
    const registry = new Registry();
    const metrics = KafkaMetrics.for(registry);
    let lag = 12;
    let fail = false;
    const close = jest.fn(async () => undefined);
    const reader = {
      read: async () => {
        if (fail) throw new Error('no broker');
        return [{ topic: 'p.patient.encounters', partition: 3, lag }];
      },
      close,
    } as unknown as GroupLagReader;
    const unwatch = metrics.watchLag(reader, 'readmit-scoring');

    expect(await lagLine(registry, '3')).toBe(
      'readmit_kafka_consumer_lag{topic="p.patient.encounters",partition="3",group="readmit-scoring"} 12',
    );
    lag = 30;
    expect(await lagLine(registry, '3')).toMatch(/ 30$/);
    fail = true;
    expect(await lagLine(registry, '3')).toMatch(/ 30$/);

    fail = false;
    await unwatch();
    expect(close).toHaveBeenCalledTimes(1);
    lag = 99;
    expect(await lagLine(registry, '3')).toMatch(/ 30$/);
  });
});

describe('replication of the consumed topics', () => {
  it('counts partitions missing an in-sync replica and those without a leader', () => {
    expect(
      topicReplication('t', [
        { leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
        { leader: 2, replicas: [2, 3, 1], isr: [2, 3] },
        { leader: -1, replicas: [3, 1, 2], isr: [] },
      ]),
    ).toEqual({ topic: 't', underReplicated: 2, withoutLeader: 1 });
  });

  it('is read from the cluster at each scrape, once for both gauges', async () => {
    const registry = new Registry();
    const metrics = KafkaMetrics.for(registry);
    const readReplication = jest.fn(async () => [
      { topic: 'p.patient.encounters', underReplicated: 2, withoutLeader: 0 },
    ]);
    const reader = {
      read: async () => [],
      readReplication,
      close: async () => undefined,
    } as unknown as GroupLagReader;
    metrics.watchLag(reader, 'readmit-scoring');
    const text = await registry.metrics();
    expect(text).toContain(
      'readmit_kafka_under_replicated_partitions{topic="p.patient.encounters"} 2',
    );
    expect(text).toContain(
      'readmit_kafka_partitions_without_leader{topic="p.patient.encounters"} 0',
    );
    expect(readReplication).toHaveBeenCalledTimes(1);
  });
});
