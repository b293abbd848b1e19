// The floor under a backfill on this machine: plain kafkajs reads a topic and writes every
// message back out, one transaction per chunk of a partition, as a backfill does, but with no
// decoding, scoring or encoding. A backfill cannot beat it; the ratio says what ours adds.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { reliableProducerConfig, splitIntoRequests } from '@readmit/platform/kafka';

export interface CopyOptions {
  readonly kafka: Kafka;
  readonly source: string;
  /** Created here with the source's partition count, deleted afterwards. */
  readonly target: string;
  readonly chunk: number;
  /** Messages on the source: the copy ends when it has written them all. */
  readonly count: number;
}

/** Messages copied per second, from the first fetched batch to the last commit. */
export async function transactionalCopy(options: CopyOptions): Promise<number> {
  const { kafka, source, target, chunk, count } = options;
  const admin = kafka.admin();
  await admin.connect();
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [source] })).topics;
  await admin.createTopics({
    topics: [{ topic: target, numPartitions: metadata.partitions.length }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({
    ...reliableProducerConfig({ transactionalId: `bench-copy-${randomUUID()}` }),
  });
  const consumer = kafka.consumer({
    groupId: `bench-copy-${randomUUID()}`,
    readUncommitted: false,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  let copied = 0;
  let started = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: source, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        if (started === 0) started = performance.now();
        for (let start = 0; start < batch.messages.length; start += chunk) {
          const messages = batch.messages
            .slice(start, start + chunk)
            .map(({ key, value, headers }) => ({ key, value, headers }));
          const transaction = await producer.transaction();
          for (const request of splitIntoRequests([{ topic: target, messages }]))
            await transaction.sendBatch({ topicMessages: request });
          await transaction.commit();
          copied += messages.length;
          await heartbeat();
        }
        if (copied >= count) finish();
      },
    });
    await done;
    return copied / ((performance.now() - started) / 1000);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [target] }).catch(() => undefined);
    await admin.disconnect();
  }
}
