// Ingest throughput: `readmit produce` end to end (synthetic stream and CSV file → Kafka, each
// encounter with its outcome, acks=all), run as the user runs it, with the CLI's resident memory
// sampled from /proc while it works. Baseline in the same run: plain kafkajs on one thread
// sending pre-encoded messages of the same size, two per encounter.
//   npx tsx bench/ingest-throughput.bench.ts [--synthetic 1000000] [--csv-copies 20] [--rounds 1]
// Needs the local platform (`./readmit infra up`) and ../shared/data.
import { spawn } from 'node:child_process';
import { PseudonymKey } from '@readmit/platform/privacy';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOPICS, topicName } from '@readmit/contracts';
import { provisionTopics, reliableProducerConfig } from '@readmit/platform/kafka';
import { PROJECT_ROOT, sharedDataFile, uniqueName } from '../test/support/endpoints';
import { testKafka } from '../test/support/kafka';

const { values } = parseArgs({
  options: {
    synthetic: { type: 'string', default: '1000000' },
    'csv-copies': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '1' },
  },
});
const SYNTHETIC = Number(values.synthetic);
const CSV_COPIES = Number(values['csv-copies']);
const ROUNDS = Number(values.rounds);

interface Run {
  readonly encounters: number;
  readonly perSecond: number;
  /** Resident set size samples of the CLI process, MiB, in time order. */
  readonly rssMiB: number[];
}

function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const SITE_KEY = PseudonymKey.generate();

/** Runs `readmit produce` and reads its own figures from the summary it prints. */
function produce(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'bin/readmit.js'), 'produce', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Ids are pseudonymised before publishing: a site key of this run's own.
        env: { ...process.env, READMIT_PSEUDONYM_KEY: SITE_KEY },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const samples: number[] = [];
    const sampler = setInterval(() => {
      const rss = rssMiB(child.pid as number);
      if (rss !== null) samples.push(rss);
    }, 500);
    child.on('exit', (code) => {
      clearInterval(sampler);
      const published = /encounters published: (\d+)/.exec(stdout);
      const rate = /\((\d+) encounters\/s\)/.exec(stdout);
      if (code !== 0 || !published || !rate) {
        reject(new Error(`readmit produce failed (exit ${code}):\n${stdout}\n${stderr}`));
        return;
      }
      resolve({ encounters: Number(published[1]), perSecond: Number(rate[1]), rssMiB: samples });
    });
  });
}

/** The shared sample repeated `copies` times with fresh encounter ids: a large real-shaped file. */
function largeCsv(directory: string, copies: number): { file: string; rows: number } {
  const [header, ...rows] = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const lines = [header];
  for (let copy = 0; copy < copies; copy++) {
    for (const row of rows) {
      const comma = row.indexOf(',');
      lines.push(`${Number(row.slice(0, comma)) + copy * 1_000_000_000}${row.slice(comma)}`);
    }
  }
  const file = join(directory, 'diabetic_data.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  copyFileSync(sharedDataFile('IDs_mapping.csv'), join(directory, 'IDs_mapping.csv'));
  return { file, rows: lines.length - 1 };
}

/** Plain kafkajs, one thread: the same number and size of messages, already encoded. */
async function rawKafkajs(prefix: string, encounters: number): Promise<number> {
  const producer = testKafka('bench-raw').producer(reliableProducerConfig());
  await producer.connect();
  const encounterTopic = topicName(TOPICS.encounters, prefix);
  const outcomeTopic = topicName(TOPICS.outcomes, prefix);
  const encounterValue = Buffer.alloc(330, 1);
  const outcomeValue = Buffer.alloc(90, 2);
  const started = performance.now();
  for (let first = 0; first < encounters; first += 1_000) {
    const keys = Array.from({ length: Math.min(1_000, encounters - first) }, (_, i) =>
      String(900_000_000 + first + i),
    );
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        {
          topic: encounterTopic,
          messages: keys.map((key) => ({
            key,
            value: encounterValue,
            headers: { eventType: 'EncounterRecorded' },
          })),
        },
        {
          topic: outcomeTopic,
          messages: keys.map((key) => ({
            key,
            value: outcomeValue,
            headers: { eventType: 'OutcomeRecorded' },
          })),
        },
      ],
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return Math.round(encounters / seconds);
}

const mib = (value: number) => `${Math.round(value)} MiB`;

function memoryGrowth(samples: number[]): string {
  if (samples.length < 4) return 'too short to sample';
  // Skip start-up; compare the second quarter with the last.
  const quarter = Math.floor(samples.length / 4);
  const early = Math.max(...samples.slice(quarter, 2 * quarter));
  const late = Math.max(...samples.slice(3 * quarter));
  return `${mib(early)} → ${mib(late)} (peak ${mib(Math.max(...samples))})`;
}

async function main(): Promise<void> {
  const kafka = testKafka('bench-ingest');
  const directory = mkdtempSync(join(tmpdir(), 'readmit-bench-'));
  const csv = largeCsv(directory, CSV_COPIES);
  const rows: string[] = [];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const prefix = `${uniqueName('bench')}.`;
      const topics = [TOPICS.encounters, TOPICS.outcomes];
      await provisionTopics(kafka, { prefix, topics });
      try {
        const raw = await rawKafkajs(prefix, 100_000);
        const fromCsv = await produce(['--csv', csv.file, '--prefix', prefix]);
        const synthetic = await produce(['--synthetic', String(SYNTHETIC), '--prefix', prefix]);
        rows.push(
          `| round ${round} | ${csv.rows.toLocaleString('en')} | ${fromCsv.perSecond.toLocaleString('en')} | ${SYNTHETIC.toLocaleString('en')} | ${synthetic.perSecond.toLocaleString('en')} | ${raw.toLocaleString('en')} | ${(synthetic.perSecond / raw).toFixed(2)} | ${memoryGrowth(synthetic.rssMiB)} |`,
        );
        console.error(rows[rows.length - 1]);
      } finally {
        await admin.deleteTopics({ topics: topics.map((topic) => topicName(topic, prefix)) });
      }
    }
  } finally {
    await admin.disconnect();
    rmSync(directory, { recursive: true, force: true });
  }
  console.log('');
  console.log(
    '| run | CSV rows | CSV → Kafka (encounters/s) | synthetic encounters | synthetic → Kafka (encounters/s) | raw kafkajs, 1 thread (encounters/s) | synthetic / raw | CLI memory (RSS, 2nd quarter → last quarter) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\ncommand: npx tsx bench/ingest-throughput.bench.ts --synthetic ${SYNTHETIC} --csv-copies ${CSV_COPIES} --rounds ${ROUNDS} (each encounter also publishes its outcome; acks=all, idempotent)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
