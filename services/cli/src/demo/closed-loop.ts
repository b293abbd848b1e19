import type {
  DriftDetected,
  ReadmissionClass,
  TrainingCompleted,
  TrainingRequested,
} from '@readmit/contracts';
import type { DriftSpec } from '@readmit/ml';
import type { EventSerde } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { EXAMPLE_ENCOUNTER_INPUT } from '@readmit/gateway';
import type { LoadReport } from '@readmit/ingest';
import { demoKeyEnv, type DemoKeys } from './demo-keys';
import { LoopWatcher } from './loop-watcher';

/** The services the loop runs; the gateway last (it needs the registry's address). */
export const LOOP_SERVICES = [
  'registry',
  'trainer',
  'scoring',
  'monitor',
  'ingest',
  'gateway',
] as const;
export type LoopService = (typeof LOOP_SERVICES)[number];

export interface RunningService {
  readonly name: LoopService;
  /** Where its /health, /ready and /metrics answer. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts one service with these variables (as processes for the demo, in-process in tests). */
export type ServiceLauncher = (
  name: LoopService,
  env: Record<string, string>,
) => Promise<RunningService>;

export const DEMO_FORMATS = ['rows', 'fhir'] as const;
export type DemoFormat = (typeof DEMO_FORMATS)[number];

/** Where the loop's services answer, for a publisher that goes through them. */
export interface PublishTarget {
  readonly ingestUrl: string;
}

/**
 * Publishes synthetic encounters to the loop's topics: rows with their outcomes (`readmit produce
 * --synthetic`), or FHIR stays through ingest whose outcomes the labeller derives.
 */
export type EncounterPublisher = (
  count: number,
  seed: number,
  drift: DriftSpec | undefined,
  target: PublishTarget,
) => Promise<LoadReport>;

export interface ClosedLoopOptions {
  readonly prefix: string;
  readonly model: string;
  readonly seed: number;
  /** Labelled encounters before any model: their batches trigger the first training. */
  readonly initialEncounters: number;
  /** Encounters like the first ones, after the champion serves: the monitor must stay quiet. */
  readonly stableEncounters: number;
  /** Encounters from another population: the monitor must alert and retraining follow. */
  readonly driftedEncounters: number;
  /** Encounters after the retraining, scored by whichever model is champion then. */
  readonly finalEncounters: number;
  readonly drift: Omit<DriftSpec, 'from'>;
  /** Rows per monitoring window (tumbling). */
  readonly windowRows: number;
  /** Labelled encounters per batch. */
  readonly batchLabels: number;
  /** What is published: rows with their labels, or FHIR stays whose labels the labeller derives. */
  readonly format: DemoFormat;
  /** Variables of one service beyond what the loop sets (e.g. the labeller's lateness). */
  readonly serviceEnv?: Partial<Record<LoopService, Record<string, string>>>;
  /** Variables every service gets (Kafka, registry, database, object store, prefix, log level). */
  readonly platformEnv: Record<string, string>;
  /** Longest wait for any one step. */
  readonly stepTimeoutMs: number;
  /** The run's API keys: the operator's (REST predictions, the web console) and the entries. */
  readonly keys: DemoKeys;
  /**
   * The run's site key (base64), made for it: ingest and the gateway pseudonymise identifiers
   * under it, as the demo's publisher does. Only they get it.
   */
  readonly pseudonymKey: string;
}

/** One synchronous prediction through the gateway, as a client asks for it. */
export interface RestPrediction {
  readonly score: number;
  readonly modelVersion: string;
  readonly latencyMs: number;
  readonly topFeatures: readonly string[];
}

export interface TrainingRunSummary {
  readonly runId: string;
  readonly reason: TrainingRequested['reason'];
  readonly version: string | null;
  readonly algorithm: string | null;
  readonly rocAuc: number | null;
  readonly decision: 'promoted' | 'rejected' | 'failed' | 'pending';
  readonly why: string;
}

export interface ClosedLoopSummary {
  readonly prefix: string;
  readonly published: { readonly encounters: number; readonly perSecond: number };
  readonly batches: number;
  readonly runs: readonly TrainingRunSummary[];
  /** Champions in the order they were promoted. */
  readonly champions: readonly string[];
  /** Alerts raised while the population was stable (the false alarms). */
  readonly alertsWhileStable: readonly DriftDetected[];
  readonly alerts: readonly DriftDetected[];
  /** Monitoring windows assessed on stable traffic. */
  readonly stableWindows: number;
  readonly predictions: { readonly total: number; readonly byVersion: Record<string, number> };
  /** Outcomes on the log: sent with the encounters, or derived by the labeller (by encounter). */
  readonly outcomes: {
    readonly reported: number;
    readonly derived: ReadonlyMap<string, ReadmissionClass>;
  };
  /** Encounters scored per second while the first backlog was scored. */
  readonly scoringPerSecond: number;
  /** A prediction asked through the gateway at the end. */
  readonly rest: RestPrediction;
  /** Where the gateway answers (its console under /console). */
  readonly gatewayUrl: string;
  readonly seconds: number;
}

/** What each service needs beyond the platform's variables, tuned for a short demonstration. */
export function loopServiceEnv(
  options: ClosedLoopOptions,
  name: LoopService,
): Record<string, string> {
  const own: Record<LoopService, Record<string, string>> = {
    ingest: {
      READMIT_BATCH_LABELS: String(options.batchLabels),
      READMIT_PSEUDONYM_KEY: options.pseudonymKey,
    },
    trainer: {},
    registry: {
      READMIT_MODEL_NAME: options.model,
      // Batches retrain after a short gathering; drift on a model that is minutes old waits for
      // the cooldown unless it is HIGH, which is what the injected drift is.
      READMIT_RETRAIN_DEBOUNCE_MS: '3000',
      READMIT_RETRAIN_COOLDOWN_MS: String(30 * 60_000),
      READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: '0',
      READMIT_RETRAIN_BATCHES_PER_RETRAIN: '1',
    },
    gateway: { READMIT_PSEUDONYM_KEY: options.pseudonymKey },
    scoring: {
      READMIT_MODEL_NAME: options.model,
      READMIT_INSTANCE_ID: `${options.prefix}scoring`,
      READMIT_SCORING_BATCH: '1000',
    },
    monitor: {
      READMIT_MODEL_NAME: options.model,
      READMIT_DRIFT_WINDOW_ROWS: String(options.windowRows),
      READMIT_DRIFT_MIN_WINDOW_ROWS: String(Math.min(2_000, options.windowRows)),
    },
  };
  return {
    ...options.platformEnv,
    READMIT_INSTANCE_ID: `${options.prefix}${name}`,
    ...own[name],
    ...options.serviceEnv?.[name],
    ...demoKeyEnv(options.keys, name),
  };
}

/**
 * The platform's main job, end to end, asserted through its events: labelled encounters arrive
 * in batches → the orchestrator asks for training → the trainer trains → the registry promotes
 * the first champion → scoring scores the backlog → stable traffic raises no alert → drifted
 * traffic does → the alert drives a retraining → the registry judges the new model against the
 * champion on the same holdout → scoring serves whichever is champion. Throws LoopStepTimeout
 * naming the step that did not happen.
 */
export async function runClosedLoop(
  options: ClosedLoopOptions,
  io: {
    readonly kafka: Kafka;
    readonly serde: EventSerde;
    readonly launch: ServiceLauncher;
    readonly publish: EncounterPublisher;
    readonly report: (line: string) => void;
    /** Called once the loop has run, before the services stop (e.g. to keep them for a look). */
    readonly whileRunning?: (running: { readonly gatewayUrl: string }) => Promise<void>;
  },
): Promise<ClosedLoopSummary> {
  const started = Date.now();
  const { report } = io;
  const timeout = options.stepTimeoutMs;
  const watcher = new LoopWatcher(io.kafka, io.serde, options.prefix);
  const services: RunningService[] = [];
  let published = 0;
  let publishSeconds = 0;
  const url = (name: LoopService) =>
    services.find((service) => service.name === name)?.url as string;
  const publish = async (count: number, seed: number, drift?: DriftSpec) => {
    const load = await io.publish(count, seed, drift, { ingestUrl: url('ingest') });
    published += load.encounters;
    publishSeconds += load.durationMs / 1000;
    return load;
  };
  try {
    await watcher.start();
    report(`Starting ${LOOP_SERVICES.join(', ')}`);
    for (const name of LOOP_SERVICES)
      services.push(
        await io.launch(name, {
          ...loopServiceEnv(options, name),
          ...(name === 'gateway' ? { READMIT_REGISTRY_URL: url('registry') } : {}),
        }),
      );

    report(
      options.format === 'fhir'
        ? `1. Publishing ${options.initialEncounters} encounters as FHIR R4 stays to ingest (POST /fhir); the labeller derives their outcomes`
        : `1. Publishing ${options.initialEncounters} encounters with their outcomes`,
    );
    const initial = await publish(options.initialEncounters, options.seed);
    const first = await watcher.waitFor(
      'batches trigger the first training',
      (events) => events.requested[0],
      timeout,
      () => `${watcher.events.batches.length} BatchArrived so far`,
    );
    report(
      `   ${watcher.events.batches.length} batches → TrainingRequested ${first.runId} (${first.reason})`,
    );
    const firstRun = await trainingOutcome(watcher, first.runId, timeout);
    const champion = await watcher.waitFor(
      'the registry promotes the first champion',
      (events) => events.promoted[0],
      timeout,
      () => describeRun(watcher, first.runId),
    );
    report(
      `   trained ${firstRun.modelVersion} (${firstRun.algorithm}, holdout ROC AUC ${auc(firstRun)}) → champion ${champion.version}`,
    );
    const scoringStarted = Date.now();
    await watcher.waitFor(
      'scoring scores the backlog with the champion',
      // By the champion, or by a newer one if more batches came (derived labels keep coming).
      () => watcher.predictions() >= initial.encounters,
      timeout,
      () => `${watcher.predictions()} predictions`,
    );
    const scoringPerSecond = initial.encounters / ((Date.now() - scoringStarted) / 1000);
    report(`   ${watcher.predictions()} predictions (${describePredictions(watcher)})`);

    await waitUntilReady(url('monitor'), 'the monitor follows the champion', timeout);
    const windowsBefore = await monitorWindows(url('monitor'));
    report(`2. Publishing ${options.stableEncounters} encounters from the same population`);
    await publish(options.stableEncounters, options.seed + 1);
    await watcher.waitFor(
      'scoring scores the stable encounters',
      () => watcher.predictions() >= published,
      timeout,
      () => `${watcher.predictions()} of ${published} predictions`,
    );
    // Every window of stable traffic (data, predictions, outcomes) is judged once the monitor
    // has read everything published so far: the outcomes sent, and those derived until now.
    await waitForMonitor(
      url('monitor'),
      {
        'patient.encounters': published,
        'patient.outcomes': watcher.outcomes(),
        'patient.predictions': published,
      },
      timeout,
    );
    const stableWindows = (await monitorWindows(url('monitor'))) - windowsBefore;
    const alertsWhileStable = [...watcher.events.drift];
    report(
      `   ${stableWindows} windows assessed (data, predictions, outcomes), ${alertsWhileStable.length} drift alerts`,
    );

    report(
      `3. Publishing ${options.driftedEncounters} encounters from another population (${describeDrift(options.drift)})`,
    );
    const requestsBefore = watcher.events.requested.length;
    // An alert on the stable traffic (possible with derived labels) is not the one awaited.
    const alertsBefore = watcher.events.drift.length;
    await publish(options.driftedEncounters, options.seed + 2, { from: 0, ...options.drift });
    const alert = await watcher.waitFor(
      'the monitor raises a drift alert',
      (events) => events.drift.slice(alertsBefore).find((drift) => drift.kind === 'DATA'),
      timeout,
      () => `${watcher.events.drift.length} alerts`,
    );
    report(
      `   DriftDetected ${alert.kind} ${alert.severity} on ${alert.modelVersion}: ${alert.driftedFeatures.join(', ')}`,
    );
    const retrain = await watcher.waitFor(
      'the alert drives a retraining',
      (events) =>
        events.requested
          .slice(requestsBefore)
          .find((request) => request.reason === 'DRIFT_DETECTED'),
      timeout,
      () => `${watcher.events.requested.length - requestsBefore} new TrainingRequested`,
    );
    report(
      `   → TrainingRequested ${retrain.runId} (${retrain.reason}, ${retrain.triggeredBy.length} triggers)`,
    );
    const retrained = await trainingOutcome(watcher, retrain.runId, timeout);
    const decision = await watcher.waitFor(
      'the registry decides on the retrained model',
      (events) =>
        events.promoted.find((event) => event.version === retrained.modelVersion) ??
        events.rejected.find((event) => event.version === retrained.modelVersion),
      timeout,
    );
    const promotedAgain = 'previousVersion' in decision;
    report(
      `   trained ${retrained.modelVersion} (holdout ROC AUC ${auc(retrained)}) → ${promotedAgain ? `new champion (was ${decision.previousVersion})` : `rejected: ${decision.reason}`}`,
    );

    // More batches may have promoted another model meanwhile (derived labels keep coming).
    const servingNow = currentChampion(watcher);
    report(
      `4. Publishing ${options.finalEncounters} more encounters, scored by the champion ${servingNow}`,
    );
    const scoredBefore = watcher.predictions();
    const final = await publish(options.finalEncounters, options.seed + 3, {
      from: 0,
      ...options.drift,
    });
    await watcher.waitFor(
      'scoring scores the new encounters',
      () => watcher.predictions() - scoredBefore >= final.encounters,
      timeout,
      () => `${watcher.predictions() - scoredBefore} of ${final.encounters}`,
    );

    report(`5. Asking the gateway for one prediction (POST /v1/predictions?explain=true)`);
    const rest = await restPrediction(url('gateway'), options.keys.apiKey);
    if (rest.modelVersion !== currentChampion(watcher))
      throw new Error(
        `the gateway answered with ${rest.modelVersion}, not the champion ${currentChampion(watcher)}`,
      );
    report(
      `   score ${rest.score.toFixed(3)} by ${rest.modelVersion} in ${Math.round(rest.latencyMs)} ms; top features: ${rest.topFeatures.join(', ')}`,
    );
    await io.whileRunning?.({ gatewayUrl: url('gateway') });

    return {
      prefix: options.prefix,
      published: { encounters: published, perSecond: published / Math.max(publishSeconds, 1e-3) },
      batches: watcher.events.batches.length,
      runs: [...watcher.events.requested]
        .sort((a, b) => a.envelope.occurredAt - b.envelope.occurredAt)
        .map((request) => summarizeRun(watcher, request)),
      champions: watcher.events.promoted.map((event) => event.version),
      alertsWhileStable,
      alerts: [...watcher.events.drift],
      stableWindows,
      predictions: {
        total: watcher.predictions(),
        byVersion: Object.fromEntries(watcher.events.predictionsByVersion),
      },
      outcomes: {
        reported: watcher.events.reportedOutcomes,
        derived: new Map(watcher.events.derivedLabels),
      },
      scoringPerSecond,
      rest,
      gatewayUrl: url('gateway'),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const service of [...services].reverse()) await service.stop().catch(() => undefined);
    await watcher.stop();
  }
}

/** One encounter scored through the gateway's REST API, with its explanation. */
async function restPrediction(gatewayUrl: string, apiKey: string): Promise<RestPrediction> {
  const asked = performance.now();
  const response = await fetch(`${gatewayUrl}/v1/predictions?explain=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify(EXAMPLE_ENCOUNTER_INPUT),
  });
  const latencyMs = performance.now() - asked;
  if (!response.ok)
    throw new Error(`the gateway answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as {
    modelVersion: string;
    prediction: { score: number; contributions: ReadonlyArray<{ feature: string }> | null };
  };
  return {
    score: body.prediction.score,
    modelVersion: body.modelVersion,
    latencyMs,
    topFeatures: (body.prediction.contributions ?? []).slice(0, 3).map((entry) => entry.feature),
  };
}

async function trainingOutcome(
  watcher: LoopWatcher,
  runId: string,
  timeoutMs: number,
): Promise<TrainingCompleted> {
  const outcome = await watcher.waitFor(
    `the trainer completes run ${runId}`,
    (events) =>
      events.completed.find((event) => event.runId === runId) ??
      events.failed.find((event) => event.runId === runId),
    timeoutMs,
  );
  if (!('modelVersion' in outcome))
    throw new Error(`training run ${runId} failed at ${outcome.stage}: ${outcome.reason}`);
  return outcome;
}

function summarizeRun(watcher: LoopWatcher, request: TrainingRequested): TrainingRunSummary {
  const { completed, failed, promoted, rejected } = watcher.events;
  const done = completed.find((event) => event.runId === request.runId);
  const failure = failed.find((event) => event.runId === request.runId);
  const promotion = done && promoted.find((event) => event.version === done.modelVersion);
  const rejection = done && rejected.find((event) => event.version === done.modelVersion);
  return {
    runId: request.runId,
    reason: request.reason,
    version: done?.modelVersion ?? null,
    algorithm: done?.algorithm ?? null,
    rocAuc: done?.metrics.roc_auc ?? null,
    decision: failure ? 'failed' : promotion ? 'promoted' : rejection ? 'rejected' : 'pending',
    why: failure?.reason ?? promotion?.reason ?? rejection?.reason ?? '',
  };
}

function describePredictions(watcher: LoopWatcher): string {
  return [...watcher.events.predictionsByVersion]
    .map(([version, count]) => `${count} by ${version}`)
    .join(', ');
}

/** The version promoted last. */
function currentChampion(watcher: LoopWatcher): string {
  const promoted = [...watcher.events.promoted].sort(
    (a, b) => a.envelope.occurredAt - b.envelope.occurredAt,
  );
  return promoted[promoted.length - 1]?.version ?? 'none';
}

function describeRun(watcher: LoopWatcher, runId: string): string {
  const run = summarizeRun(
    watcher,
    watcher.events.requested.find((request) => request.runId === runId) as TrainingRequested,
  );
  return `run ${runId}: ${run.decision}${run.why ? ` (${run.why})` : ''}`;
}

function auc(run: TrainingCompleted): string {
  return run.metrics.roc_auc === undefined ? '?' : run.metrics.roc_auc.toFixed(3);
}

function describeDrift(drift: Omit<DriftSpec, 'from'>): string {
  return Object.entries(drift)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

async function waitUntilReady(url: string, step: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/ready`).catch((error: unknown) => error as Error);
    if (!(response instanceof Error) && response.ok) return;
    last = response instanceof Error ? response.message : await response.text();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${step}: not ready within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

/** The values of one counter of a service's /metrics, by their label set. */
async function counter(
  url: string,
  name: string,
): Promise<Array<{ labels: string; value: number }>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => ({
      labels: line.slice(name.length, line.lastIndexOf(' ')),
      value: Number(line.slice(line.lastIndexOf(' ') + 1)),
    }));
}

/** Windows the monitor has assessed, of every kind. */
async function monitorWindows(url: string): Promise<number> {
  const windows = await counter(url, 'readmit_monitor_windows_total');
  return windows.reduce((total, entry) => total + entry.value, 0);
}

/** Waits until the monitor has consumed at least this many events of each topic. */
async function waitForMonitor(
  url: string,
  atLeast: Record<string, number>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const consumed = await counter(url, 'readmit_monitor_events_total');
    const behind = Object.entries(atLeast).filter(([topic, expected]) => {
      const entry = consumed.find((candidate) => candidate.labels.includes(`topic="${topic}"`));
      return (entry?.value ?? 0) < expected;
    });
    if (behind.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `the monitor reads the stable traffic: still behind on ${behind.map(([topic]) => topic).join(', ')} after ${Math.round(timeoutMs / 1000)} s`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
