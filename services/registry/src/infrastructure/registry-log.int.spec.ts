import {
  EXAMPLE_EVENTS,
  TOPICS,
  type ModelPromoted,
  type TrainingCompleted,
} from '@readmit/contracts';
import { newEnvelope } from '@readmit/platform/kafka';
import { isolatedEventStreams, physical } from '../../../../test/support/kafka';
import { readRegistry } from './registry-log';

const trained = (modelVersion: string): TrainingCompleted => ({
  ...EXAMPLE_EVENTS.TrainingCompleted,
  envelope: newEnvelope('TrainingCompleted', { producer: 'test' }),
  modelVersion,
});

const promoted = (version: string): ModelPromoted => ({
  ...EXAMPLE_EVENTS.ModelPromoted,
  envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
  version,
  previousVersion: null,
});

describe('readRegistry on the real broker', () => {
  it('folds no decision written to ml.training, and counts it', async () => {
    const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
      [TOPICS.training, TOPICS.models],
      ['TrainingCompleted', 'ModelPromoted'],
    );
    await publisher.publishAll([
      { eventType: 'TrainingCompleted', key: 'run-1', event: trained('1') },
      { eventType: 'TrainingCompleted', key: 'run-2', event: trained('2') },
    ]);
    // A writer's mistake, straight to the topic: a promotion on ml.training decided nothing.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: physical(TOPICS.training, prefix),
      messages: [{ key: 'readmission', value: serde.encode('ModelPromoted', promoted('1')) }],
    });
    await producer.disconnect();
    expect((await readRegistry(kafka, serde, prefix, metrics)).get('readmission')).toEqual(
      expect.objectContaining({ champion: null }),
    );
    const skipped = await metrics.skipped.get();
    expect(
      skipped.values.map(({ labels, value }) => [labels.topic, labels.event_type, value]),
    ).toEqual([[physical(TOPICS.training, prefix), 'ModelPromoted', 1]]);

    await publisher.publish('ModelPromoted', 'readmission', promoted('2'));
    await publisher.disconnect();
    const registry = (await readRegistry(kafka, serde, prefix)).get('readmission');
    expect(registry?.champion).toBe('2');
    expect(registry?.versions.get('1')?.stage).toBe('candidate');
  });
});
