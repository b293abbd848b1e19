import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { ReadinessRegistry } from '../health/readiness';
import type { LogPositions } from './log-positions';
import { SupervisedConsumer } from './supervised-consumer';

export interface PrivateLogConsumerSpec {
  /** Names the consumer in logs and in readiness (`consumer:<name>`). */
  readonly name: string;
  /** A group of this reader's own: it never commits, so it must be unique. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /** What has been handed over; a consumer that replaces a crashed one seeks past it. */
  readonly positions: LogPositions;
  /** Next offsets by `topic:partition` at which to stop handing messages over (a replay's ends). */
  readonly until?: ReadonlyMap<string, bigint>;
  /** Each message once, in order per partition; a throw crashes the consumer, which retries it. */
  readonly onMessage: (topic: string, partition: number, message: KafkaMessage) => Promise<void>;
  /** After every batch, markers-only ones included: the positions may have moved. */
  readonly onProgress: () => void;
  readonly readiness?: ReadinessRegistry;
}

/**
 * A reader of whole topics with a consumer group of its own: from the beginning (or from the
 * positions), committed records only, nothing committed. The positions move past each message
 * handed over and past batches of only transaction markers, which kafkajs reports in
 * END_BATCH_PROCESS but never hands to eachBatch; without them a reader would never see it
 * reached a partition's end.
 */
export function privateLogConsumer(
  kafka: Kafka,
  spec: PrivateLogConsumerSpec,
  logger: Logger,
): SupervisedConsumer {
  const { positions } = spec;
  return new SupervisedConsumer(
    kafka,
    {
      name: spec.name,
      config: { groupId: spec.groupId, readUncommitted: false },
      topics: spec.topics,
      fromBeginning: true,
      onCreated: (incarnation) =>
        incarnation.on(incarnation.events.END_BATCH_PROCESS, ({ payload }) => {
          if (payload.lastOffset !== null)
            positions.passed(payload.topic, payload.partition, payload.lastOffset);
          spec.onProgress();
        }),
      run: () => ({
        autoCommit: false,
        eachBatch: async ({ batch, heartbeat }) => {
          const until = spec.until?.get(`${batch.topic}:${batch.partition}`);
          for (const message of batch.messages) {
            if (until !== undefined && BigInt(message.offset) >= until) break;
            if (positions.handledBefore(batch.topic, batch.partition, message.offset)) continue;
            await spec.onMessage(batch.topic, batch.partition, message);
            positions.handled(batch.topic, batch.partition, message.offset);
          }
          await heartbeat();
        },
      }),
      onRunning: (incarnation) => positions.seek(incarnation),
      readiness: spec.readiness,
    },
    logger,
  );
}
