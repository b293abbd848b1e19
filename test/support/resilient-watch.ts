import type { EventType } from '@readmit/contracts';
import { LogPositions, SupervisedConsumer, type EventSerde } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { uniqueName } from './endpoints';
import { quietLogger } from './kafka';

/**
 * Like watchEvents, but the watcher outlives a broker outage: its consumer is supervised and
 * goes on after the last message it saw, so fault tests can watch across a broker restart.
 */
export async function watchEventsThroughOutages<T>(
  kafka: Kafka,
  serde: EventSerde,
  topic: string,
  eventTypes?: readonly EventType[],
): Promise<{ events: T[]; stop: () => Promise<void> }> {
  const events: T[] = [];
  const positions = new LogPositions();
  const consumer = new SupervisedConsumer(
    kafka,
    {
      name: 'test-watcher',
      config: { groupId: uniqueName('watcher'), readUncommitted: false },
      topics: [topic],
      run: () => ({
        autoCommit: false,
        eachMessage: async ({ topic: from, partition, message }) => {
          if (positions.handledBefore(from, partition, message.offset)) return;
          const decoded = await serde.decode(message.value);
          if (!eventTypes || eventTypes.includes(decoded.eventType))
            events.push(decoded.event as T);
          positions.handled(from, partition, message.offset);
        },
      }),
      onRunning: (incarnation) => positions.seek(incarnation),
      backoff: { initialMs: 250, maxMs: 1_000 },
    },
    quietLogger,
  );
  await consumer.start();
  return { events, stop: () => consumer.stop() };
}
