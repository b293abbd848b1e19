import { EventSerde, KafkaMetrics } from '@readmit/platform/kafka';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Registry } from 'prom-client';
import { ScoringMetrics } from './scoring-metrics';
import { ServingModels } from './serving-models';
import { StreamScorer } from './stream-scorer';

describe('StreamScorer', () => {
  it('lets a service with no champion yet stop: start() returns instead of waiting for one', async () => {
    const registry = new Registry();
    const scorer = new StreamScorer(
      // Never connected: without a champion the scorer does not reach Kafka.
      new Kafka({ brokers: ['localhost:1'], logLevel: logLevel.NOTHING }),
      EventSerde.create('http://registry.invalid'),
      KafkaMetrics.for(registry),
      new ServingModels(),
      pino({ level: 'silent' }),
      new ScoringMetrics(registry),
      {
        groupId: 'unit',
        transactionalId: 'unit',
        topicPrefix: '',
        batchSize: 10,
        producer: 'scoring',
      },
    );
    let settled = false;
    const started = scorer.start().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // waiting for a champion
    await scorer.stop();
    await started;
    expect(settled).toBe(true);
  });
});
