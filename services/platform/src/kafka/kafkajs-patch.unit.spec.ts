// patches/kafkajs+2.2.4.patch (applied by npm install's postinstall): kafkajs grouped a produce
// request's messages by partition copying the partition's array per message, quadratic in a
// partition's messages, and a backfill's chunk lands whole on one partition.
import type { Message } from 'kafkajs';

type Grouping = (options: {
  topic: string;
  partitionMetadata: ReadonlyArray<{ partitionId: number }>;
  messages: Message[];
  partitioner: (options: { message: Message }) => number;
}) => Record<number, Message[]>;

// kafkajs's internal module: no types are published for it.
const groupMessagesPerPartition =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('kafkajs/src/producer/groupMessagesPerPartition') as Grouping;

describe('kafkajs message grouping (patched)', () => {
  it('keeps every message, in order, under its partition', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: null }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }],
      messages,
      partitioner: ({ message }) => Number(message.key) % 2,
    });
    expect(grouped[0].map((m) => m.key)).toEqual(['0', '2', '4', '6', '8']);
    expect(grouped[1].map((m) => m.key)).toEqual(['1', '3', '5', '7', '9']);
  });

  it('is the patched, linear version', () => {
    expect(String(groupMessagesPerPartition)).toContain('readmit patch');
    expect(String(groupMessagesPerPartition)).not.toContain('[...current, message]');
  });
});
