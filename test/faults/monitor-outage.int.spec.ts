import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, deadLetterTopicOf, type DriftDetected } from '@readmit/contracts';
import { EventPublisher, type OutgoingEvent } from '@readmit/platform/kafka';
import request from 'supertest';
import { monitorEnvSchema } from '../../services/monitor/src/monitor.config';
import { MonitorModule } from '../../services/monitor/src/monitor.module';
import { MODEL, promoteSmallModel } from '../support/champion';
import { disposableKafkaForFile } from '../support/disposable-kafka';
import { eventually } from '../support/endpoints';
import { isolatedEventStreams, physical, quietLogger } from '../support/kafka';
import { ServiceStarter } from '../support/service-starter';
import { watchEventsThroughOutages } from '../support/resilient-watch';
import {
  encounterEvent,
  syntheticLabelled,
  type LabelledEncounter,
} from '../support/synthetic-traffic';

/** Rows per data window (READMIT_DRIFT_WINDOW_ROWS). */
const WINDOW = 110_000;
/**
 * Encounters on the log before the monitor starts, the window's first part: a backlog of several
 * seconds' work for the in-process monitor, longer than the broker takes to stop.
 */
const BEFORE_OUTAGE = 100_000;
/** The broker goes away once the monitor has windowed this many, mid-backlog. */
const STOP_AFTER_WINDOWED = 1_000;
/** Longer than kafkajs's own retry budget (~25 s with our client settings): idle consumers crash. */
const OUTAGE_MS = 30_000;
/** Event time of the window's first encounter; the i-th encounter occurred i ms later. */
const FIRST_OCCURRED_AT = Date.UTC(2026, 0, 1);
const ENCOUNTERS_WINDOWED =
  'readmit_monitor_events_total{topic="patient.encounters",service="monitor"}';

/** Progress on stderr, so a slow step shows where the time went. */
const progress = (line: string) =>
  process.stderr.write(`[monitor-outage] ${new Date().toISOString()} ${line}\n`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ReadyBody {
  readonly checks?: Record<string, { ready: boolean; error?: string }>;
}

async function readiness(app: INestApplication): Promise<{ ready: boolean; body: ReadyBody }> {
  const response = await request(app.getHttpServer()).get('/ready');
  return { ready: response.status === 200, body: response.body as ReadyBody };
}

/** The sum of a metric's series whose labels contain `labels` ('' for all), from /metrics. */
async function metricSum(app: INestApplication, name: string, labels = ''): Promise<number> {
  const { text } = await request(app.getHttpServer()).get('/metrics');
  let total = 0;
  for (const line of text.split('\n'))
    if ((line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && line.includes(labels))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/** Encounters the monitor has put into its windows (readmit_monitor_events_total). */
async function windowed(app: INestApplication): Promise<number> {
  const { text } = await request(app.getHttpServer()).get('/metrics');
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${ENCOUNTERS_WINDOWED} `));
  return line ? Number(line.slice(ENCOUNTERS_WINDOWED.length + 1)) : 0;
}

const broker = disposableKafkaForFile();

/** Encounters with event time FIRST_OCCURRED_AT + their position in the window. */
async function publishWindowed(
  publisher: EventPublisher,
  rows: readonly LabelledEncounter[],
  firstPosition: number,
): Promise<void> {
  const events = rows.map(({ encounter }, index): OutgoingEvent => ({
    eventType: 'EncounterRecorded',
    key: String(encounter.encounter_id),
    event: encounterEvent(encounter, FIRST_OCCURRED_AT + firstPosition + index),
  }));
  for (let start = 0; start < events.length; start += 1_000)
    await publisher.publishAll(events.slice(start, start + 1_000));
}

describe('a broker outage during a drift window', () => {
  let services: ServiceStarter | undefined;
  let app: INestApplication | undefined;
  let root: string | undefined;
  let drifts: { events: DriftDetected[]; stop: () => Promise<void> } | undefined;

  afterAll(async () => {
    await services?.stopAll().catch(() => undefined);
    await drifts?.stop().catch(() => undefined);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('Kafka stopped for 30 s while the monitor fills a window: it resumes by itself, is not ready meanwhile, counts every encounter once and reports the drift once', async () => {
    const monitored = [TOPICS.encounters, TOPICS.predictions, TOPICS.outcomes];
    const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
      [
        ...monitored,
        ...monitored.map(deadLetterTopicOf),
        TOPICS.models,
        TOPICS.training,
        TOPICS.drift,
      ],
      ['EncounterRecorded', 'ModelPromoted', 'DriftDetected'],
      broker.client('monitor-outage-test'),
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-monitor-outage-'));
    drifts = await watchEventsThroughOutages<DriftDetected>(
      kafka,
      serde,
      physical(TOPICS.drift, prefix),
      ['DriftDetected'],
    );
    // One window of encounters from an older population with more emergency admissions. The
    // first part waits on the log before the monitor starts, so the broker goes away while the
    // monitor works through it (batches in hand, their offsets not committed yet).
    const drifted = syntheticLabelled(WINDOW, 12, {
      from: 0,
      olderPopulation: 0.6,
      moreEmergencies: 0.5,
    });
    await promoteSmallModel(publisher, root);
    await publishWindowed(publisher, drifted.slice(0, BEFORE_OUTAGE), 0);
    await publisher.disconnect();

    services = new ServiceStarter({ prefix, brokers: broker.brokers });
    app = await services.start(
      { name: 'monitor', envSchema: monitorEnvSchema, module: MonitorModule },
      { READMIT_OBJECT_STORE_ROOT: root, READMIT_DRIFT_WINDOW_ROWS: String(WINDOW) },
    );
    const running = app;
    const monitorConsumer = `consumer:${prefix}readmit-monitor`;
    await eventually(
      async () => ((await windowed(running)) >= STOP_AFTER_WINDOWED ? true : undefined),
      60_000,
      20,
    );
    const windowedAtStop = await windowed(running);
    progress(`monitor at ${windowedAtStop} of ${BEFORE_OUTAGE} encounters; stopping the broker`);

    await broker.stop();
    const outageStarted = Date.now();
    const windowedWhenStopped = await windowed(running);
    progress(`broker stopped (${windowedWhenStopped} windowed)`);
    // /ready asked every second; an answer can take up to the 2 s check timeout, so asks overlap.
    const asks: Array<Promise<{ ready: boolean; down: string[] }>> = [];
    while (Date.now() - outageStarted < OUTAGE_MS) {
      asks.push(
        readiness(running).then(({ ready, body }) => ({
          ready,
          down: Object.entries(body.checks ?? {})
            .filter(([, check]) => !check.ready)
            .map(([name]) => name),
        })),
      );
      await sleep(1_000);
    }
    const polls = await Promise.all(asks);
    const windowedDuringOutage = await windowed(running);
    await broker.start();
    const brokerBack = Date.now();
    progress(`broker answers again (${windowedDuringOutage} windowed)`);

    // The rest of the window but its last encounter goes out at once; the monitor comes back by
    // itself, finishes the backlog and windows them. The window must not complete early.
    const after = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
    const publishing = publishWindowed(
      after,
      drifted.slice(BEFORE_OUTAGE, WINDOW - 1),
      BEFORE_OUTAGE,
    );
    await eventually(
      async () => ((await windowed(running)) > windowedDuringOutage ? true : undefined),
      120_000,
      100,
    );
    const windowingAfterMs = Date.now() - brokerBack;
    progress(`windowing again ${windowingAfterMs} ms after the broker answered`);
    await eventually(
      async () => ((await readiness(running)).ready ? true : undefined),
      120_000,
      100,
    );
    const readyAfterMs = Date.now() - brokerBack;
    progress(`ready again ${readyAfterMs} ms after the broker answered`);
    await publishing;
    await eventually(
      async () => ((await windowed(running)) >= WINDOW - 1 ? true : undefined),
      120_000,
    );
    // An encounter counted twice would show here, or would have completed the window already.
    await sleep(3_000);
    const windowedBeforeLast = await windowed(running);
    const dataWindowsBeforeLast = await metricSum(
      running,
      'readmit_monitor_windows_total',
      'kind="DATA"',
    );
    const driftsBeforeLast = drifts.events.length;

    // The window's last encounter completes it.
    await publishWindowed(after, drifted.slice(WINDOW - 1), WINDOW - 1);
    await after.disconnect();
    const watched = drifts;
    const drift = await eventually(async () => watched.events[0], 60_000);
    // A second DriftDetected, or a late redelivery counted again, would arrive in this time.
    await sleep(3_000);
    const finalReadiness = await readiness(running);
    const windowedInAll = await windowed(running);
    const dataWindows = await metricSum(running, 'readmit_monitor_windows_total', 'kind="DATA"');
    const dropped = await metricSum(running, 'readmit_monitor_dropped_events_total');
    const deadLettered = await metricSum(running, 'readmit_kafka_dead_letters_total');
    // Handed to the monitor's handler, redeliveries included (not windowed again).
    const consumed = await metricSum(
      running,
      'readmit_kafka_messages_consumed_total',
      'event_type="EncounterRecorded"',
    );

    const downChecks = [...new Set(polls.flatMap((poll) => poll.down))].sort();
    process.stdout.write(
      `monitor outage: broker away ${OUTAGE_MS / 1000} s with ${windowedWhenStopped} of a ${BEFORE_OUTAGE}-encounter backlog windowed (window ${WINDOW}); ` +
        `windowing again ${(windowingAfterMs / 1000).toFixed(1)} s and /ready 200 ${(readyAfterMs / 1000).toFixed(1)} s after the broker answered; ` +
        `${polls.filter((poll) => !poll.ready).length} of ${polls.length} /ready answers during the outage not ready (down: ${downChecks.join(', ')}); ` +
        `encounters windowed ${windowedInAll} of ${WINDOW} published (${consumed - WINDOW} redelivered); DriftDetected ${watched.events.length} (${drift.kind} ${drift.severity}, window of ${drift.windowSize})\n`,
    );

    // Not ready throughout the outage, each time with a check that says why.
    expect(polls.length).toBeGreaterThanOrEqual(25);
    for (const poll of polls) {
      expect(poll.ready).toBe(false);
      expect(poll.down.some((name) => name === 'kafka' || name === monitorConsumer)).toBe(true);
    }
    // The broker went away mid-window; the monitor came back by itself, every consumer it needs
    // back in its group.
    expect(windowedDuringOutage).toBeLessThan(WINDOW);
    expect(finalReadiness.ready).toBe(true);
    expect(finalReadiness.body.checks?.[monitorConsumer]?.ready).toBe(true);
    expect(finalReadiness.body.checks?.['consumer:monitor-champion-follower']?.ready).toBe(true);
    // One encounter short of the window: no window yet, and nothing counted twice.
    expect(windowedBeforeLast).toBe(WINDOW - 1);
    expect(dataWindowsBeforeLast).toBe(0);
    expect(driftsBeforeLast).toBe(0);
    // The window completed with its last encounter, once, over exactly the window's encounters.
    expect(windowedInAll).toBe(WINDOW);
    expect(dropped).toBe(0);
    expect(deadLettered).toBe(0);
    expect(dataWindows).toBe(1);
    expect(watched.events).toHaveLength(1);
    expect(drift).toMatchObject({
      modelName: MODEL,
      modelVersion: 'v1',
      kind: 'DATA',
      windowSize: WINDOW,
      windowStart: FIRST_OCCURRED_AT,
      windowEnd: FIRST_OCCURRED_AT + WINDOW - 1,
    });
    expect(drift.driftedFeatures.length).toBeGreaterThan(0);
    // Replaced consumers take their predecessors' places in their groups (static membership),
    // so readiness is back in seconds, not after the crashed members' 30 s sessions.
    expect(readyAfterMs).toBeLessThan(15_000);
  }, 300_000);
});
