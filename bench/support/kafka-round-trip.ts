// The floor under any request-reply over Kafka on this machine: plain kafkajs, no Nest, no
// scoring. A client produces a timestamped request at a fixed rate to a topic shaped like the
// scoring request topic, a server reads it in batches and produces it back to a reply topic, and
// the client reads the reply: what is left is two produce requests and two fetches.
import { Kafka, logLevel } from 'kafkajs';
import { socketWithoutDelay } from '@readmit/platform/kafka';

export interface RoundTripOptions {
  readonly kafka: Kafka;
  /** Names the throwaway topics and groups. */
  readonly prefix: string;
  readonly requestPartitions: number;
  readonly rate: number;
  readonly seconds: number;
}

/** Round-trip times in ms, sorted, of the requests sent after a 2 s warm-up. */
export async function kafkaRoundTrip(options: RoundTripOptions): Promise<number[]> {
  const { kafka, prefix, rate, seconds } = options;
  const requests = `${prefix}floor-requests`;
  const replies = `${prefix}floor-replies`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: requests, numPartitions: options.requestPartitions },
      { topic: replies, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  const clientProducer = kafka.producer();
  const serverProducer = kafka.producer();
  const server = kafka.consumer({ groupId: `${prefix}floor-server` });
  const client = kafka.consumer({ groupId: `${prefix}floor-client` });
  const latencies: number[] = [];
  let measuring = false;
  try {
    await Promise.all([clientProducer, serverProducer, server, client].map((c) => c.connect()));
    await server.subscribe({ topic: requests });
    await client.subscribe({ topic: replies });
    const joined = (consumer: typeof server) =>
      new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    const bothJoined = Promise.all([joined(server), joined(client)]);
    await server.run({
      autoCommitInterval: 1_000,
      eachBatch: async ({ batch }) => {
        await serverProducer.send({
          topic: replies,
          messages: batch.messages.map(({ value }) => ({ value })),
        });
      },
    });
    await client.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (measuring) latencies.push(performance.now() - Number(message.value?.toString()));
      },
    });
    await bothJoined;
    const send = async (forMs: number) => {
      const end = performance.now() + forMs;
      const interval = 1_000 / rate;
      let next = performance.now();
      for (let key = 0; performance.now() < end; key++) {
        void clientProducer.send({
          topic: requests,
          messages: [{ key: String(key), value: String(performance.now()) }],
        });
        next += interval;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
      }
    };
    await send(2_000);
    measuring = true;
    await send(seconds * 1_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    measuring = false;
  } finally {
    await Promise.allSettled(
      [clientProducer, serverProducer, server, client].map((c) => c.disconnect()),
    );
    await admin.deleteTopics({ topics: [requests, replies] }).catch(() => undefined);
    await admin.disconnect();
  }
  return latencies.sort((a, b) => a - b);
}

/** A kafkajs client as the services open theirs (Nagle off). */
export function benchKafka(brokers: readonly string[]): Kafka {
  return new Kafka({
    brokers: [...brokers],
    clientId: 'readmit-bench-floor',
    logLevel: logLevel.NOTHING,
    socketFactory: socketWithoutDelay,
  });
}
