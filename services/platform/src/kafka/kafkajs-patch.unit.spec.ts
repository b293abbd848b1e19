// patches/kafkajs+2.2.4.patch (applied by npm install's postinstall): kafkajs grouped a produce
// request's messages by partition copying the partition's array per message, quadratic in a
// partition's messages, and a backfill's chunk lands whole on one partition; and it encoded each
// record through arrays, Long objects and zero-filled 512-byte buffers (most of a producer's
// CPU for small messages): records are now written into one buffer of their exact size, the
// encoders of a produce request are sized rather than grown, and the default partitioner's
// murmur2 runs in 32-bit arithmetic rather than on Long objects. And each broker connection's
// request queue ran a 1 ms timer loop for as long as it was open (kafkajs#1556, #1704): it now
// schedules a check only when a request waits.
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

interface EncodedRecord {
  readonly buffer: Buffer;
}
type RecordEncoder = (options: {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | Array<Buffer | string>>;
}) => EncodedRecord;
interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers: Record<string, Buffer | Buffer[]>;
}

// kafkajs's internal modules: no types are published for them.
/* eslint-disable @typescript-eslint/no-require-imports */
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as RecordEncoder;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  batchContext: Record<string, unknown>,
) => DecodedRecord;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => {
  readVarInt(): number;
  readBytes(length: number): Buffer;
};
/* eslint-enable @typescript-eslint/no-require-imports */

function roundTrip(encoded: EncodedRecord): DecodedRecord {
  const decoder = new Decoder(encoded.buffer);
  const length = decoder.readVarInt();
  return decodeRecord(new Decoder(decoder.readBytes(length)), {
    firstOffset: '1000',
    firstTimestamp: '1700000000000',
    magicByte: 2,
  });
}

describe('kafkajs record encoding (patched)', () => {
  it('writes the bytes kafkajs 2.2.4 wrote (taken from the unpatched encoder)', () => {
    expect(
      encodeRecord({
        key: Buffer.from('123'),
        value: Buffer.from('hello'),
        headers: { eventType: Buffer.from('PredictionMade') },
      }).buffer.toString('hex'),
    ).toBe('4e000000063132330a68656c6c6f02126576656e74547970651c50726564696374696f6e4d616465');
    expect(
      encodeRecord({
        offsetDelta: 300,
        timestampDelta: -5,
        key: null,
        value: 'text é',
        headers: { a: ['x', 'y'], b: 'z' },
      }).buffer.toString('hex'),
    ).toBe('340009d804010e7465787420c3a90602610278026102790262027a');
    expect(
      encodeRecord({
        offsetDelta: 70_000,
        timestampDelta: 2 ** 40,
        key: 'k',
        value: Buffer.alloc(200, 7),
      }).buffer.toString('hex'),
    ).toBe(`ae0300808080808040e0c508026b9003${'07'.repeat(200)}00`);
  });

  it("reads back with kafkajs's own decoder, at the edges of every varint", () => {
    for (const offsetDelta of [0, 63, 64, 8191, 8192, 2 ** 31 - 1])
      for (const timestampDelta of [0, -1, 63, -64, 2 ** 31, -(2 ** 31) - 1, 2 ** 52]) {
        const value = Buffer.alloc(offsetDelta % 300, 1);
        const decoded = roundTrip(
          encodeRecord({ offsetDelta, timestampDelta, key: `k${offsetDelta}`, value }),
        );
        expect(decoded.offset).toBe(String(1000 + offsetDelta));
        expect(decoded.timestamp).toBe(String(1_700_000_000_000 + timestampDelta));
        expect(String(decoded.key)).toBe(`k${offsetDelta}`);
        expect(Buffer.compare(decoded.value as Buffer, value)).toBe(0);
      }
    const withHeaders = roundTrip(
      encodeRecord({ key: null, value: null, headers: { eventType: 'E', many: ['1', '2'] } }),
    );
    expect(withHeaders.key).toBeNull();
    expect(withHeaders.value).toBeNull();
    expect(String(withHeaders.headers.eventType)).toBe('E');
    expect((withHeaders.headers.many as Buffer[]).map(String)).toEqual(['1', '2']);
  });

  it('is the patched version', () => {
    expect(String(encodeRecord)).toContain('legacyRecord');
  });
});

type Murmur2 = ((key: Buffer | string) => number) & {
  legacyMurmur2: (key: Buffer | string) => number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as Murmur2;

describe("kafkajs's murmur2 (patched)", () => {
  it("gives the Java client's hashes (Kafka's own UtilsTest vectors)", () => {
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2('abc')).toBe(479470107);
  });

  it("equals kafkajs 2.2.4's Long arithmetic on every key length and byte value", () => {
    for (let length = 0; length < 40; length++)
      for (let seed = 0; seed < 50; seed++) {
        const key = Buffer.from(
          Array.from({ length }, (_, i) => (i * 97 + seed * 31 + length) & 0xff),
        );
        expect(murmur2(key)).toBe(murmur2.legacyMurmur2(key));
      }
    for (let id = 0; id < 2_000; id++)
      expect(murmur2(String(id))).toBe(murmur2.legacyMurmur2(String(id)));
  });
});

/** The members of kafkajs's internal RequestQueue these tests use (no types are published). */
interface RequestQueue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  maybeThrottle(milliseconds: number): void;
  push(request: {
    entry: { apiKey: number; apiName: string; apiVersion: number; correlationId: number; resolve: () => void; reject: (error: Error) => void }; // prettier-ignore
    expectResponse: boolean;
    sendRequest: () => void;
  }): void;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (options: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: Record<'debug' | 'info' | 'warn' | 'error', () => void>;
}) => RequestQueue;

describe("kafkajs's request queue (patched)", () => {
  const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const newQueue = () =>
    new RequestQueueClass({
      maxInFlightRequests: null,
      requestTimeout: 30_000,
      enforceRequestTimeout: false,
      clientId: 'test',
      broker: 'localhost:9092',
      logger: quiet,
    });

  it('schedules no check while nothing waits and nothing throttles', () => {
    const queue = newQueue();
    queue.checkPendingRequests();
    // kafkajs 2.2.4 left a 1 ms timer here, which re-armed itself on every run.
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('still sends a request that waited for a throttle, once the throttle ends', async () => {
    const queue = newQueue();
    queue.maybeThrottle(30);
    const sentAt: number[] = [];
    const pushedAt = Date.now();
    queue.push({
      entry: { apiKey: 0, apiName: 'Produce', apiVersion: 3, correlationId: 1, resolve: () => {}, reject: () => {} }, // prettier-ignore
      expectResponse: false,
      sendRequest: () => sentAt.push(Date.now()),
    });
    expect(sentAt).toEqual([]);
    const deadline = Date.now() + 2_000;
    while (sentAt.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sentAt).toHaveLength(1);
    expect(sentAt[0] - pushedAt).toBeGreaterThanOrEqual(25);
    // Sent, nothing left waiting: the queue goes quiet again.
    expect(queue.throttleCheckTimeoutId).toBeNull();
    queue.destroy();
  });
});

// kafkajs 2.2.4 speaks the JoinGroup v5 / SyncGroup v3 / Heartbeat v3 / LeaveGroup v3 requests
// that carry a group instance id, but never passed one. The patch carries the consumer's
// `groupInstanceId` (static membership, KIP-345) to every one of them;
// test/faults/scorer-handover.int.spec.ts shows its effect on a real broker.
describe('kafkajs static membership (patched)', () => {
  const source = (path: string) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    String(require('node:fs').readFileSync(require.resolve(`kafkajs/src/${path}`), 'utf8'));

  it('hands the consumer config groupInstanceId to the consumer group', () => {
    expect(source('index.js')).toMatch(/groupId,\s+groupInstanceId,\s+partitionAssigners/);
    expect(source('consumer/index.js')).toMatch(/groupInstanceId = null/);
    expect(source('consumer/consumerGroup.js')).toContain('this.groupInstanceId = groupInstanceId');
  });

  it('sends it with join, sync, heartbeat and leave', () => {
    const group = source('consumer/consumerGroup.js');
    expect(group).toMatch(/joinGroup\(\{\s+groupId,\s+groupInstanceId,/);
    expect(group).toContain('groupInstanceId: this.groupInstanceId');
    expect(group).toContain('heartbeat({ ...payload, groupInstanceId })');
    expect(group).toContain('leaveGroup({ groupId, memberId, groupInstanceId })');
    const broker = source('broker/index.js');
    for (const request of ['heartbeat', 'joinGroup', 'syncGroup', 'leaveGroup'])
      expect(broker).toMatch(new RegExp(`async ${request}\\(\\{[^}]*groupInstanceId`));
  });
});

interface ProduceCall {
  readonly nodeId: number;
  readonly partitions: number[];
}

describe('kafkajs produce retries after a leader moved (patched)', () => {
  type SendMessages = (
    options: Record<string, unknown>,
  ) => (request: {
    acks: number;
    topicMessages: Array<{ topic: string; messages: Message[] }>;
  }) => Promise<Array<{ topicName: string; partition: number; baseOffset: string }>>;
  // kafkajs's internal modules: no types are published for them.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sendMessages = require('kafkajs/src/producer/sendMessages') as SendMessages;
  const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;
  const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
    createErrorFromCode: (code: number) => Error;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const NOT_LEADER_FOR_PARTITION = 6;

  /**
   * Partition 0 led by node 1, partition 1 by node 2. Node 2's first answer is NOT_LEADER: its
   * partition has moved to node 1, which has already answered for partition 0: the case where
   * kafkajs 2.2.4 resolved without ever sending partition 1's messages again.
   */
  function clusterWhoseLeaderMoves() {
    const leaders = new Map([
      [0, 1],
      [1, 2],
    ]);
    const calls: ProduceCall[] = [];
    const broker = (nodeId: number) => ({
      nodeId,
      produce: async ({
        topicData,
      }: {
        topicData: Array<{ topic: string; partitions: Array<{ partition: number }> }>;
      }) => {
        const partitions = topicData.flatMap((topic) => topic.partitions.map((p) => p.partition));
        calls.push({ nodeId, partitions });
        if (nodeId === 2) {
          leaders.set(1, 1);
          throw createErrorFromCode(NOT_LEADER_FOR_PARTITION);
        }
        return {
          topics: topicData.map(({ topic, partitions: entries }) => ({
            topicName: topic,
            partitions: entries.map(({ partition }) => ({
              partition,
              errorCode: 0,
              baseOffset: String(calls.length),
            })),
          })),
        };
      },
    });
    const brokers = new Map([1, 2].map((nodeId) => [nodeId, broker(nodeId)]));
    const cluster = {
      targetTopics: new Set<string>(),
      refreshMetadataIfNecessary: async () => undefined,
      refreshMetadata: async () => undefined,
      addMultipleTargetTopics: async () => undefined,
      isConnected: () => true,
      findTopicPartitionMetadata: () =>
        [0, 1].map((partitionId) => ({ partitionId, leader: leaders.get(partitionId) })),
      findLeaderForPartitions: (_topic: string, partitions: string[]) => {
        const byLeader: Record<number, number[]> = {};
        for (const partition of partitions.map(Number))
          (byLeader[leaders.get(partition) as number] ??= []).push(partition);
        return byLeader;
      },
      findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId)),
    };
    const eosManager = {
      acquireBrokerLock: async () => undefined,
      releaseBrokerLock: async () => undefined,
      isTransactional: () => false,
      getSequence: () => 0,
      updateSequence: () => undefined,
      getProducerId: () => -1,
      getProducerEpoch: () => 0,
    };
    const silent = { debug: () => undefined, error: () => undefined, warn: () => undefined };
    const send = sendMessages({
      logger: silent,
      cluster,
      partitioner: ({ message }: { message: Message }) => Number(message.key) % 2,
      eosManager,
      retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
    });
    return { send, calls };
  }

  it("sends a moved partition's messages to its new leader, even one that already answered", async () => {
    const { send, calls } = clusterWhoseLeaderMoves();
    const result = await send({
      acks: -1,
      topicMessages: [
        { topic: 't', messages: ['0', '1', '2', '3'].map((key) => ({ key, value: key })) },
      ],
    });
    expect(calls).toEqual([
      { nodeId: 1, partitions: [0] },
      { nodeId: 2, partitions: [1] },
      // The retry: only partition 1, now led by node 1; partition 0 is not written twice.
      { nodeId: 1, partitions: [1] },
    ]);
    expect(result.map(({ partition }) => partition).sort()).toEqual([0, 1]);
  });
});
