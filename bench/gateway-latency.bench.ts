// REST prediction latency through the gateway: POST /v1/predictions at fixed request rates
// (autocannon), each answered by the scoring service over Kafka request-reply with a GBDT
// trained here as the trainer trains it. Scoring and gateway run as the Docker image runs them:
// one process each, from `nest build` output.
//   npx tsx bench/gateway-latency.bench.ts [--rates 50,200,400] [--duration 20] [--warmup 20] [--bursts --connections 10]
//     [--timeline /tmp/latency] (each request's send time and latency, to see when the slow ones come)
// Needs the local platform (`./readmit infra up`) and ../shared/data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { parse } from 'papaparse';
import { EXAMPLE_EVENTS, RPC_TOPICS } from '@readmit/contracts';
import { newEnvelope } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { testApiKey } from '../test/support/api-keys';
import { PROJECT_ROOT, sharedDataFile, testEndpoints, uniqueName } from '../test/support/endpoints';
import { isolatedEventStreams } from '../test/support/kafka';
import { SCORING_TOPICS } from '../test/support/scoring-service';
import { freePort } from '../services/cli/src/demo/service-processes';
import { loadInfraSettings } from '../services/cli/src/infra/infra-settings';
import { trainBenchModel } from './support/bench-model';
import {
  registerScrapeTarget,
  scrapeTargetsFolder,
} from '../services/cli/src/infra/scrape-targets';
import { benchKafka, kafkaRoundTrip } from './support/kafka-round-trip';
import { TEST_PSEUDONYM_KEY } from '../test/support/pseudonyms';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,200,400' },
    duration: { type: 'string', default: '20' },
    /**
     * Seconds of load at the first rate before measuring: the processes start cold (V8 compiles
     * the request path while it runs; a broker just started by `infra up` compiles its own), and
     * the figures are for a running service. The warm-up's own figures are printed too.
     */
    warmup: { type: 'string', default: '20' },
    connections: { type: 'string', default: '10' },
    /** Scoring processes sharing the request partitions (one consumer group). */
    scorers: { type: 'string', default: '1' },
    /** autocannon's per-second bursts from `connections` connections instead of an open loop. */
    bursts: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    /** Writes each rate's requests (send time, latency in ms) to <file>-<rate>-<n>.csv, n-th rate. */
    timeline: { type: 'string' },
  },
});
const RATES = values.rates.split(',').map(Number);
const DURATION = Number(values.duration);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const SCORERS = Number(values.scorers);
const BURSTS = values.bursts;
const MODEL = 'readmission';

/** The real sample's rows as clients send them: JSON objects, numbers as numbers, null for '?'. */
function requestBodies(): string[] {
  const { data } = parse<Record<string, string>>(
    readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'),
    { header: true, skipEmptyLines: true },
  );
  return data.map((row) => {
    const { readmitted: _label, ...columns } = row;
    return JSON.stringify(
      Object.fromEntries(
        Object.entries(columns).map(([column, cell]) => [
          column,
          cell === '?' ? null : /^\d+$/.test(cell) ? Number(cell) : cell,
        ]),
      ),
    );
  });
}

/** A service from the build output, as the Docker image starts it. Its logs stay quiet. */
function startService(name: string, env: Record<string, string>): ChildProcess {
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the services.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // BENCH_DIST runs another build of the services (e.g. a copy of an older dist/ inside the
  // project, so that node_modules resolve), to compare two versions in one sitting.
  const main = join(
    process.env.BENCH_DIST ?? join(PROJECT_ROOT, 'dist'),
    'services',
    name,
    'src/main.js',
  );
  // BENCH_STDOUT_DIR keeps each service's stdout (e.g. with BENCH_NODE_ARGS=--trace-gc).
  const stdoutDir = process.env.BENCH_STDOUT_DIR;
  const stdout = stdoutDir ? openSync(join(stdoutDir, `${name}-${Date.now()}.log`), 'w') : 'ignore';
  return spawn(process.execPath, [...nodeArgs, main], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, READMIT_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

/** Polls until `probe` says true; any other answer is kept to explain a timeout. */
async function until(
  what: string,
  probe: () => Promise<true | string>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const answer = await probe().catch((error: unknown) => (error as Error).message);
    if (answer === true) return;
    last = answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s (last: ${last})`);
}

async function okOrWhy(response: Response): Promise<true | string> {
  return response.ok || `${response.status} ${await response.text()}`;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: fields 14, 15 of stat
}

/** A histogram's sum and count, and its cumulative buckets, from a /metrics scrape. */
interface HistogramSnapshot {
  readonly sum: number;
  readonly count: number;
  readonly buckets: ReadonlyMap<string, number>;
}

async function histogram(url: string, name: string, labels = ''): Promise<HistogramSnapshot> {
  const text = await (await fetch(url)).text();
  const lines = text.split('\n').filter((line) => line.includes(labels));
  const value = (prefix: string) =>
    lines
      .filter((line) => line.startsWith(prefix))
      .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
  const buckets = new Map<string, number>();
  for (const line of lines.filter((text) => text.startsWith(`${name}_bucket{`))) {
    const bound = /le="([^"]+)"/.exec(line)?.[1] as string;
    buckets.set(bound, Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return { sum: value(`${name}_sum`)[0] ?? 0, count: value(`${name}_count`)[0] ?? 0, buckets };
}

/** The same histogram from several processes, added up. */
function combined(snapshots: readonly HistogramSnapshot[]): HistogramSnapshot {
  const buckets = new Map<string, number>();
  for (const snapshot of snapshots)
    for (const [bound, total] of snapshot.buckets)
      buckets.set(bound, (buckets.get(bound) ?? 0) + total);
  return {
    sum: snapshots.reduce((total, snapshot) => total + snapshot.sum, 0),
    count: snapshots.reduce((total, snapshot) => total + snapshot.count, 0),
    buckets,
  };
}

/** Between two scrapes: the mean, and the bucket bound under which 99% of observations fell. */
function between(before: HistogramSnapshot, after: HistogramSnapshot) {
  const count = after.count - before.count;
  const mean = count > 0 ? ((after.sum - before.sum) / count) * 1000 : NaN;
  let p99Bound = '+Inf';
  for (const [bound, total] of after.buckets) {
    if (total - (before.buckets.get(bound) ?? 0) >= 0.99 * count) {
      p99Bound = bound === '+Inf' ? bound : `${Number(bound) * 1000}`;
      break;
    }
  }
  return { count, mean, p99Bound };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Load {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  /** Each response's latency in ms, as measured (no coordinated-omission back-fill). */
  readonly latencies: number[];
  /** When each measured request was sent, ms since the epoch (open loop only). */
  readonly sentAt?: number[];
}

/**
 * Open loop at a constant rate (loadtest): one request every 1/rate s whether or not earlier
 * ones have been answered, each on a free keep-alive connection (a new one when none is free),
 * so the service sees the rate as patients' requests would arrive.
 */
async function fireOpenLoop(
  url: string,
  apiKey: string,
  bodies: string[],
  rate: number,
  seconds: number,
): Promise<Load> {
  let next = Math.floor(Math.random() * bodies.length);
  const latencies: number[] = [];
  const sentAt: number[] = [];
  let errors = 0;
  const started = performance.now();
  // loadtest is an ES module; this file is compiled as CommonJS.
  const { loadTest } = await import('loadtest');
  const options: Parameters<typeof loadTest>[0] = {
    url,
    method: 'POST',
    contentType: 'application/json',
    headers: { 'x-api-key': apiKey },
    requestsPerSecond: rate,
    maxSeconds: seconds,
    agentKeepAlive: true,
    quiet: true,
    // loadtest calls a function body for each request; its typings only know strings and objects.
    body: (() => bodies[next++ % bodies.length]) as unknown as string,
    statusCallback: (error: Error | null, result?: { requestElapsed: number }) => {
      if (error) errors += 1;
      else if (result) {
        latencies.push(result.requestElapsed);
        sentAt.push(Date.now() - result.requestElapsed);
      }
    },
  };
  await new Promise<void>((resolve, reject) =>
    loadTest(options, (error: unknown) => (error ? reject(error) : resolve())),
  );
  return {
    requests: latencies.length + errors,
    seconds: (performance.now() - started) / 1000,
    errors,
    latencies,
    sentAt,
  };
}

/**
 * autocannon's rate limit is per second: each connection sends its share back to back from the
 * start of each second, so the load arrives as bursts of `connections` concurrent requests.
 */
function fireBursts(
  url: string,
  apiKey: string,
  bodies: string[],
  rate: number,
  seconds: number,
): Promise<Load> {
  let next = Math.floor(Math.random() * bodies.length);
  return new Promise<Load>((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        connections: CONNECTIONS,
        overallRate: rate,
        duration: seconds,
        // With a rate set, autocannon back-fills latencies at a 1 ms interval (ceil(1/rate)),
        // which is not this load's interval: record them as measured instead.
        ignoreCoordinatedOmission: true,
        requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }], // prettier-ignore
      },
      (error: unknown, result: autocannon.Result) =>
        error
          ? reject(error)
          : resolve({
              requests: result.requests.total,
              seconds: result.duration,
              errors: result.errors + result.timeouts + result.non2xx,
              latencies,
            }),
    );
    instance.on('response', (_client, _status, _bytes, milliseconds) =>
      latencies.push(milliseconds),
    );
  });
}

const fire = BURSTS ? fireBursts : fireOpenLoop;

async function main(): Promise<void> {
  const command = `npx tsx bench/gateway-latency.bench.ts --rates ${RATES.join(',')} --duration ${DURATION} --warmup ${WARMUP} --scorers ${SCORERS}${BURSTS ? ` --bursts --connections ${CONNECTIONS}` : ''}`;
  const load = BURSTS
    ? `autocannon, per-second bursts from ${CONNECTIONS} connections`
    : 'loadtest, open loop at a constant rate';
  console.log(command);
  if (!values['skip-build']) {
    console.log('building the services (nest build, as the Docker image does)…');
    const build = spawnSync(join(PROJECT_ROOT, 'node_modules/.bin/nest'), ['build', 'gateway'], {
      cwd: PROJECT_ROOT,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('nest build failed');
  }

  const trained = trainBenchModel('gbdt', MODEL);
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-gateway-'));
  const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
    MODEL,
    'bench',
    trained.artifact,
  );
  console.log(
    `model: ${trained.info.algorithm} ${JSON.stringify(trained.info.params)}, ${Math.round(trained.artifact.length / 1024)} KiB, threshold ${trained.info.threshold.toFixed(3)}`,
  );

  const streams = await isolatedEventStreams(SCORING_TOPICS, ['PredictionMade', 'ModelPromoted']);
  const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
  const platformEnv = {
    READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
    READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    READMIT_DATABASE_URL: databaseUrl,
    READMIT_TOPIC_PREFIX: streams.prefix,
  };
  // A real key: its first request pays one scrypt (~50 ms, in the warm-up), every later one a
  // SHA-256 and a lookup, as in production.
  const client = testApiKey('bench-client', ['predict']);
  const apiKey = client.key;
  const scoringPorts: number[] = [];
  for (let index = 0; index < SCORERS; index++) scoringPorts.push(await freePort());
  const gatewayPort = await freePort();
  const scorers = scoringPorts.map((port) =>
    startService('scoring', {
      ...platformEnv,
      READMIT_HTTP_PORT: String(port),
      READMIT_OBJECT_STORE_ROOT: root,
      READMIT_INSTANCE_ID: uniqueName('bench-scoring'),
    }),
  );
  const gateway = startService('gateway', {
    ...platformEnv,
    READMIT_HTTP_PORT: String(gatewayPort),
    READMIT_API_KEYS: client.entry,
    READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    READMIT_INSTANCE_ID: uniqueName('bench-gateway'),
  });
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  // With `readmit infra up --monitoring`, the local Prometheus scrapes the processes under load.
  const targets = scrapeTargetsFolder(loadInfraSettings(PROJECT_ROOT).home);
  const unregister = [
    registerScrapeTarget(targets, 'gateway', gatewayUrl),
    ...scoringPorts.map((port) =>
      registerScrapeTarget(targets, 'scoring', `http://127.0.0.1:${port}`),
    ),
  ];
  const bodies = requestBodies();
  const predict = () =>
    fetch(`${gatewayUrl}/v1/predictions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: bodies[0],
    });
  try {
    await until('the gateway is ready', async () => okOrWhy(await fetch(`${gatewayUrl}/ready`)));
    await streams.publisher.publish('ModelPromoted', MODEL, {
      ...EXAMPLE_EVENTS.ModelPromoted,
      envelope: newEnvelope('ModelPromoted', { producer: 'bench' }),
      modelName: MODEL,
      version: 'bench',
      previousVersion: null,
      artifactUri: stored.uri,
      artifactSha256: stored.sha256,
      threshold: trained.info.threshold,
    });
    await until('the first prediction', async () => okOrWhy(await predict()));
    console.log(`warming up: ${WARMUP} s at ${RATES[0]} requests/s (${load})`);
    const warmup = await fire(`${gatewayUrl}/v1/predictions`, apiKey, bodies, RATES[0], WARMUP);
    const warmupSorted = [...warmup.latencies].sort((a, b) => a - b);
    const coldLine = `warm-up (cold processes, the first ${WARMUP} s at ${RATES[0]} requests/s): p50 ${percentile(warmupSorted, 50).toFixed(1)} ms, p99 ${percentile(warmupSorted, 99).toFixed(1)} ms, max ${(warmupSorted[warmupSorted.length - 1] ?? 0).toFixed(1)} ms, ${warmup.errors} errors`;
    console.log(coldLine);

    const rows: string[] = [];
    const findings: string[] = [];
    const floors: string[] = [];
    const floorKafka = benchKafka(testEndpoints().kafkaBrokers);
    for (const rate of RATES) {
      const scrape = async () => [
        combined(
          await Promise.all(
            scoringPorts.map((port) =>
              histogram(`http://127.0.0.1:${port}/metrics`, 'readmit_scoring_request_seconds'),
            ),
          ),
        ),
        combined(
          await Promise.all(
            scoringPorts.map((port) =>
              histogram(`http://127.0.0.1:${port}/metrics`, 'readmit_scoring_request_wait_seconds'),
            ),
          ),
        ),
        await histogram(`${gatewayUrl}/metrics`, 'readmit_gateway_scoring_seconds', 'outcome="ok"'),
        await histogram(`${gatewayUrl}/metrics`, 'readmit_gateway_request_seconds', 'route="/v1/predictions",status="200"'), // prettier-ignore
      ];
      const scoringCpu = () =>
        scorers.reduce((total, scorer) => total + cpuSeconds(scorer.pid as number), 0);
      const before = await scrape();
      const cpuBefore = [cpuSeconds(gateway.pid as number), scoringCpu()];
      const benchCpuBefore = process.cpuUsage();
      const result = await fire(`${gatewayUrl}/v1/predictions`, apiKey, bodies, rate, DURATION);
      const after = await scrape();
      const cpu = [
        (cpuSeconds(gateway.pid as number) - cpuBefore[0]) / result.seconds,
        (scoringCpu() - cpuBefore[1]) / result.seconds,
      ];
      const benchCpu = process.cpuUsage(benchCpuBefore);
      const [handler, wait, roundTrip, http] = before.map((snapshot, index) =>
        between(snapshot, after[index]),
      );
      if (values.timeline && result.sentAt)
        writeFileSync(
          `${values.timeline}-${rate}-${rows.length + 1}.csv`,
          `sent_epoch_ms,latency_ms\n${result.sentAt.map((at, index) => `${at.toFixed(1)},${result.latencies[index]}`).join('\n')}\n`,
        );
      const sorted = [...result.latencies].sort((a, b) => a - b);
      const ms = (value: number) => value.toFixed(1);
      const errors = result.errors;
      rows.push(
        `| ${rate} | ${result.requests} | ${Math.round(result.requests / result.seconds)} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 95))} | ${ms(percentile(sorted, 99))} | ${ms(sorted[sorted.length - 1])} | ${errors} |`,
      );
      findings.push(
        `${rate} req/s: request wait in Kafka before scoring mean ${ms(wait.mean)} ms (p99 ≤ ${wait.p99Bound} ms); scoring handler mean ${ms(handler.mean)} ms (p99 ≤ ${handler.p99Bound} ms); gateway → scoring → gateway over Kafka mean ${ms(roundTrip.mean)} ms (p99 ≤ ${roundTrip.p99Bound} ms); gateway HTTP mean ${ms(http.mean)} ms (p99 ≤ ${http.p99Bound} ms); CPU: gateway ${Math.round(cpu[0] * 100)}%, scoring (${SCORERS}) ${Math.round(cpu[1] * 100)}%, load generator ${Math.round(((benchCpu.user + benchCpu.system) / 1e6 / result.seconds) * 100)}% of a core`,
      );
      // The same rate through bare kafkajs right after: the floor this machine gives any
      // request-reply over Kafka at this moment.
      const floor = await kafkaRoundTrip({
        kafka: floorKafka,
        prefix: `${streams.prefix}${rate}-`,
        requestPartitions: RPC_TOPICS.scoringRequests.partitions,
        rate,
        seconds: DURATION,
      });
      floors.push(
        `| ${rate} | ${floor.length} | ${ms(percentile(floor, 50))} | ${ms(percentile(floor, 95))} | ${ms(percentile(floor, 99))} | ${ms(floor[floor.length - 1])} | ${(percentile(sorted, 99) / percentile(floor, 99)).toFixed(1)} |`,
      );
      console.log(rows[rows.length - 1]);
      console.log(`  ${findings[findings.length - 1]}`);
      console.log(`  bare kafkajs round trip: ${floors[floors.length - 1]}`);
    }

    console.log('');
    console.log(
      '| rate (req/s) | requests | throughput (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log('');
    console.log(
      'Bare kafkajs request-reply at the same rate, right after (no Nest, no scoring, no HTTP):',
    );
    console.log(
      '| rate (req/s) | round trips | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | REST p99 / floor p99 |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const floor of floors) console.log(floor);
    console.log('');
    for (const finding of findings) console.log(finding);
    console.log(coldLine);
    console.log(
      `\ncommand: ${command} (${DURATION} s per rate after a ${WARMUP} s warm-up at ${RATES[0]} requests/s; ${SCORERS} scoring process(es), 1 gateway process; latencies as each response measured them)`,
    );
  } finally {
    for (const stopScraping of unregister) stopScraping();
    for (const child of [gateway, ...scorers]) child.kill('SIGTERM');
    await Promise.all(
      [gateway, ...scorers].map(
        (child) =>
          new Promise((resolve) =>
            child.exitCode === null ? child.once('exit', resolve) : resolve(null),
          ),
      ),
    );
    await streams.publisher.disconnect();
    const admin = streams.kafka.admin();
    await admin.connect();
    const created = (await admin.listTopics()).filter((name) => name.startsWith(streams.prefix));
    await admin.deleteTopics({ topics: created });
    await admin.disconnect();
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
