// Drift monitor, end to end through Kafka:
// 1. throughput: N encounters, each with its prediction and outcome, wait on their topics; the
//    monitor consumes and assesses them all (DATA, PREDICTION and PERFORMANCE windows);
// 2. detection latency: encounters published at a steady rate, drift switched on mid-window;
//    the time from the first drifted encounter's publish to its DriftDetected being read on
//    ml.drift, with tumbling and with sliding windows.
//   npx tsx bench/monitor-throughput.bench.ts [--encounters 100000] [--window 5000] [--rate 2000]
// Needs the local platform (`./readmit infra up`). The monitor runs in a child process (this
// file with --monitor) on the service's own classes (MonitorRuntime, as its Nest provider wires
// them, minus HTTP: Nest needs decorator metadata, which tsx does not emit).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  deadLetterTopicOf,
  EXAMPLE_EVENTS,
  TOPICS,
  type DriftDetected,
  type EventType,
} from '@readmit/contracts';
import { loadConfig } from '@readmit/platform/config';
import {
  createKafkaClient,
  EventConsumer,
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  newEnvelope,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { Registry } from 'prom-client';
import { MonitorMetrics } from '../services/monitor/src/application/monitor-metrics';
import {
  monitorConsumerOptions,
  MonitorRuntime,
} from '../services/monitor/src/application/monitor-runtime';
import { monitorEnvSchema } from '../services/monitor/src/monitor.config';
import { PROJECT_ROOT, testEndpoints } from '../test/support/endpoints';
import { isolatedEventStreams, physical, watchEvents } from '../test/support/kafka';
import {
  encounterEvent,
  outcomeEvent,
  predictionEvent,
  syntheticLabelled,
  syntheticModel,
  type LabelledEncounter,
  type SyntheticModel,
} from '../test/support/synthetic-traffic';

const { values } = parseArgs({
  options: {
    encounters: { type: 'string', default: '100000' },
    window: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '2000' },
    monitor: { type: 'boolean', default: false },
  },
});
const ENCOUNTERS = Number(values.encounters);
const WINDOW = Number(values.window);
const RATE = Number(values.rate);
const MODEL = 'readmission';
const VERSION = 'bench';

/** The child: the monitor alone, configured from its environment like the service. */
async function runMonitor(): Promise<void> {
  const env = loadConfig('monitor', monitorEnvSchema, process.env);
  const logger = createLogger({ service: 'monitor', level: 'info' });
  const prefix = env.READMIT_TOPIC_PREFIX;
  const kafka = createKafkaClient(
    { brokers: env.READMIT_KAFKA_BROKERS, clientId: 'monitor-bench' },
    logger,
  );
  const serde = EventSerde.create(env.READMIT_SCHEMA_REGISTRY_URL, { topicPrefix: prefix });
  await serde.register(['DriftDetected']);
  const registry = new Registry();
  const kafkaMetrics = KafkaMetrics.for(registry);
  const runtime = new MonitorRuntime({
    kafka,
    serde,
    consumer: new EventConsumer(kafka, serde, kafkaMetrics, logger, {
      ...monitorConsumerOptions(prefix),
      topicPrefix: prefix,
    }),
    publisher: new EventPublisher(kafka, serde, kafkaMetrics, logger, prefix),
    artifacts: new ModelArtifactStore(new FileSystemObjectStore(env.READMIT_OBJECT_STORE_ROOT)),
    logger,
    metrics: new MonitorMetrics(registry),
    topicPrefix: prefix,
    env,
  });
  await runtime.start();
  await runtime.whenMonitoring();
  process.stdout.write(`${JSON.stringify({ bench: 'consuming', at: Date.now() })}\n`);
  process.once('SIGTERM', () => void runtime.stop().finally(() => process.exit(0)));
}

/** A window assessed, as the monitor logged it. */
interface WindowLine {
  readonly kind: string;
  readonly verdict: string;
  readonly assessmentMs: number;
  readonly at: number;
}

/** Starts the monitor process and follows its log lines. */
function startMonitor(prefix: string, root: string, windowEnv: Record<string, string>) {
  const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', __filename, '--monitor'],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(PROJECT_ROOT, 'tsconfig.json'),
        READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
        READMIT_TOPIC_PREFIX: prefix,
        READMIT_OBJECT_STORE_ROOT: root,
        ...windowEnv,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const windows: WindowLine[] = [];
  let consumingAt = 0;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (parsed.bench === 'consuming') consumingAt = Number(parsed.at);
    else if (typeof parsed.verdict === 'string' && typeof parsed.kind === 'string')
      windows.push({
        kind: parsed.kind,
        verdict: parsed.verdict,
        assessmentMs: Number(parsed.assessmentMs),
        at: Date.parse(String(parsed.time)),
      });
  });
  return {
    windows,
    consumingAt: () => consumingAt,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Topics under a prefix of their own, the model stored and promoted on them. */
async function platformWith(model: SyntheticModel, root: string) {
  const monitored = [TOPICS.encounters, TOPICS.predictions, TOPICS.outcomes];
  const eventTypes: EventType[] = [
    'EncounterRecorded',
    'PredictionMade',
    'OutcomeRecorded',
    'ModelPromoted',
    'TrainingCompleted',
  ];
  const streams = await isolatedEventStreams(
    [
      ...monitored,
      ...monitored.map(deadLetterTopicOf),
      TOPICS.models,
      TOPICS.training,
      TOPICS.drift,
    ],
    eventTypes,
  );
  const stored = await new ModelArtifactStore(new FileSystemObjectStore(root)).save(
    MODEL,
    VERSION,
    model.artifact,
  );
  await streams.publisher.publish('TrainingCompleted', 'bench-run', {
    ...EXAMPLE_EVENTS.TrainingCompleted,
    envelope: newEnvelope('TrainingCompleted', { producer: 'bench' }),
    modelName: MODEL,
    modelVersion: VERSION,
    artifactUri: stored.uri,
    artifactSha256: stored.sha256,
    metrics: { roc_auc: model.holdout.rocAuc, brier: model.holdout.brier },
    championEvaluation: null,
  });
  await streams.publisher.publish('ModelPromoted', MODEL, {
    ...EXAMPLE_EVENTS.ModelPromoted,
    envelope: newEnvelope('ModelPromoted', { producer: 'bench' }),
    modelName: MODEL,
    version: VERSION,
    previousVersion: null,
    artifactUri: stored.uri,
    artifactSha256: stored.sha256,
    threshold: model.threshold,
  });
  return streams;
}

function trafficOf(
  rows: readonly LabelledEncounter[],
  model: SyntheticModel,
  withPredictionsAndOutcomes: boolean,
): OutgoingEvent[] {
  return rows.flatMap((row): OutgoingEvent[] => {
    const key = row.encounter.encounter_id;
    const encounter: OutgoingEvent = {
      eventType: 'EncounterRecorded',
      key,
      event: encounterEvent(row.encounter),
    };
    if (!withPredictionsAndOutcomes) return [encounter];
    return [
      encounter,
      {
        eventType: 'PredictionMade',
        key,
        event: predictionEvent(row.encounter.encounter_id, model.score(row.encounter), {
          modelName: MODEL,
          modelVersion: VERSION,
        }),
      },
      { eventType: 'OutcomeRecorded', key, event: outcomeEvent(row.encounter, row.outcome) },
    ];
  });
}

async function throughput(model: SyntheticModel, root: string) {
  const streams = await platformWith(model, root);
  const rows = syntheticLabelled(ENCOUNTERS, 7);
  const publishStarted = performance.now();
  for (let start = 0; start < rows.length; start += 1_000)
    await streams.publisher.publishAll(trafficOf(rows.slice(start, start + 1_000), model, true));
  const publishSeconds = (performance.now() - publishStarted) / 1000;
  await streams.publisher.disconnect();

  const monitor = startMonitor(streams.prefix, root, {
    READMIT_DRIFT_WINDOW_ROWS: String(WINDOW),
  });
  const perKind = Math.floor(ENCOUNTERS / WINDOW);
  try {
    await until(() => monitor.windows.length >= 3 * perKind, 900_000, 'every window');
    const last = Math.max(...monitor.windows.map((window) => window.at));
    const seconds = (last - monitor.consumingAt()) / 1000;
    const assessment = (kind: string) => {
      const times = monitor.windows
        .filter((window) => window.kind === kind)
        .map((w) => w.assessmentMs);
      return {
        mean: times.reduce((sum, time) => sum + time, 0) / times.length,
        max: Math.max(...times),
      };
    };
    return {
      events: ENCOUNTERS * 3,
      seconds,
      publishSeconds,
      verdicts: monitor.windows.map((window) => `${window.kind}:${window.verdict}`),
      assessment: {
        DATA: assessment('DATA'),
        PREDICTION: assessment('PREDICTION'),
        PERFORMANCE: assessment('PERFORMANCE'),
      },
    };
  } finally {
    await monitor.stop();
  }
}

async function detectionLatency(model: SyntheticModel, root: string, slide: number) {
  const streams = await platformWith(model, root);
  const drifts = await watchEvents<DriftDetected>(
    streams.kafka,
    streams.serde,
    physical(TOPICS.drift, streams.prefix),
  );
  const monitor = startMonitor(streams.prefix, root, {
    READMIT_DRIFT_WINDOW_ROWS: String(WINDOW),
    READMIT_DRIFT_WINDOW_SLIDE: String(slide),
  });
  try {
    await until(() => monitor.consumingAt() > 0, 120_000, 'the monitor to consume');
    // Drift starts a fifth of the way into the third window.
    const stableCount = 2 * WINDOW + Math.round(WINDOW / 5);
    const stable = syntheticLabelled(stableCount, 8);
    const drifted = syntheticLabelled(3 * WINDOW, 9, {
      from: 0,
      olderPopulation: 0.6,
      moreEmergencies: 0.5,
    });
    const stream = [...stable, ...drifted];
    // When each DriftDetected was read, to the millisecond or two.
    const arrivals: number[] = [];
    const poll = setInterval(() => {
      while (arrivals.length < drifts.events.length) arrivals.push(performance.now());
    }, 1);
    const perTick = Math.max(1, Math.round(RATE / 20));
    const detected = (onset: number) => onset > 0 && arrivals.some((at) => at >= onset);
    const started = performance.now();
    let published = 0;
    let onset = 0;
    try {
      while (published < stream.length && !detected(onset)) {
        const elapsed = (performance.now() - started) / 1000;
        const due = Math.min(stream.length, Math.floor(elapsed * RATE));
        if (due - published < perTick && due < stream.length) {
          await sleep(5);
          continue;
        }
        if (onset === 0 && due > stableCount) onset = performance.now();
        await streams.publisher.publishAll(trafficOf(stream.slice(published, due), model, false));
        published = due;
      }
      await until(() => detected(onset), 60_000, 'DriftDetected');
    } finally {
      clearInterval(poll);
    }
    const first = arrivals.findIndex((at) => at >= onset);
    const drift = drifts.events[first];
    return {
      slide,
      latencySeconds: (arrivals[first] - onset) / 1000,
      driftedPublished: published - stableCount,
      falseAlarms: first,
      severity: drift.severity,
      driftedFeatures: drift.driftedFeatures,
    };
  } finally {
    await monitor.stop();
    await drifts.stop();
    await streams.publisher.disconnect();
  }
}

async function main() {
  const command = `npx tsx bench/monitor-throughput.bench.ts --encounters ${ENCOUNTERS} --window ${WINDOW} --rate ${RATE}`;
  console.log(command);
  const model = syntheticModel(MODEL, VERSION, { rows: 20_000, seed: 3, target: 'any' });
  const root = mkdtempSync(join(tmpdir(), 'readmit-bench-monitor-'));
  try {
    const result = await throughput(model, root);
    const counts = new Map<string, number>();
    for (const verdict of result.verdicts) counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
    console.log(
      `throughput: ${ENCOUNTERS} encounters + predictions + outcomes (${result.events} events, published in ${result.publishSeconds.toFixed(1)} s) consumed and assessed in ${result.seconds.toFixed(1)} s = ${Math.round(result.events / result.seconds)} events/s (${Math.round(ENCOUNTERS / result.seconds)} encounters/s)`,
    );
    console.log(`  windows of ${WINDOW}: ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    for (const [kind, { mean, max }] of Object.entries(result.assessment))
      console.log(
        `  assessing a ${kind} window: mean ${mean.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
      );
    for (const slide of [WINDOW, Math.round(WINDOW / 5)]) {
      const latency = await detectionLatency(model, root, slide);
      console.log(
        `detection latency, window ${WINDOW} slide ${slide} at ${RATE} encounters/s: ${latency.latencySeconds.toFixed(2)} s from the first drifted encounter to DriftDetected read on ml.drift (${latency.driftedPublished} drifted encounters published by then; ${latency.severity} on ${latency.driftedFeatures.join(', ')}; false alarms before onset: ${latency.falseAlarms})`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(0);
}

if (values.monitor) {
  runMonitor().catch((error: unknown) => {
    process.stderr.write(`monitor failed: ${String(error)}\n`);
    process.exit(1);
  });
} else {
  void main();
}
