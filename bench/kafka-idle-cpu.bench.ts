// CPU a connected, idle kafkajs client pair (a producer and a subscribed consumer, as each
// service holds) burns with nothing to do: our patched request queue against kafkajs 2.2.4's
// own, which re-armed a 1 ms timer on every broker connection for as long as it was open
// (kafkajs#1556, #1704). Both variants alternate in the same run, fresh clients each round.
//   npx tsx bench/kafka-idle-cpu.bench.ts [--rounds 3] [--seconds 10]
// Needs the local platform's Kafka (`./readmit infra up`).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { benchKafka } from './support/kafka-round-trip';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);

interface QueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

// kafkajs's internal module (no published types): its prototype is switched between variants.
const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as {
  prototype: QueueInternals;
};
const patched = RequestQueue.prototype.scheduleCheckPendingRequests;

/** kafkajs 2.2.4's method as published, for the comparison only. */
function unpatched(this: QueueInternals): void {
  let scheduleAt = this.throttledUntil - Date.now();
  if (!this.throttleCheckTimeoutId) {
    if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : 10;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Share of one core this process used while a producer and a consumer sat idle. */
async function idleCpu(topic: string): Promise<number> {
  const kafka = benchKafka(testEndpoints().kafkaBrokers);
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: uniqueName('bench-idle') });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({ eachMessage: async () => {} });
  await sleep(3_000); // joined and fetching: the steady idle state
  const before = process.cpuUsage();
  await sleep(SECONDS * 1_000);
  const used = process.cpuUsage(before);
  await Promise.all([consumer.disconnect(), producer.disconnect()]);
  return (used.user + used.system) / 1e6 / SECONDS;
}

async function main(): Promise<void> {
  const kafka = benchKafka(testEndpoints().kafkaBrokers);
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('bench-idle');
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const command = `npx tsx bench/kafka-idle-cpu.bench.ts --rounds ${ROUNDS} --seconds ${SECONDS}`;
  console.log(command);
  const rows: string[] = [];
  const shares = { patched: [] as number[], unpatched: [] as number[] };
  try {
    for (let round = 1; round <= ROUNDS; round++)
      for (const variant of ['unpatched', 'patched'] as const) {
        RequestQueue.prototype.scheduleCheckPendingRequests =
          variant === 'patched' ? patched : unpatched;
        const share = await idleCpu(topic);
        shares[variant].push(share);
        rows.push(`| ${round} | ${variant} | ${(share * 100).toFixed(2)} |`);
        console.log(rows[rows.length - 1]);
      }
  } finally {
    RequestQueue.prototype.scheduleCheckPendingRequests = patched;
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
  console.log('\n| round | request queue | idle CPU (% of a core) |\n|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\npatched / 2.2.4 idle CPU: ${(mean(shares.patched) / mean(shares.unpatched)).toFixed(2)} (means of ${ROUNDS} rounds of ${SECONDS} s, one producer and one consumer)`,
  );
  console.log(`command: ${command}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
