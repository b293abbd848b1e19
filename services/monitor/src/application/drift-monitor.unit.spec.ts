import { Writable } from 'node:stream';
import { TOPICS, type DriftDetected, type EventType } from '@readmit/contracts';
import { DEFAULT_DRIFT_THRESHOLDS, readModelArtifact, type HoldoutMetrics } from '@readmit/ml';
import {
  InvalidEventError,
  RetriableKafkaError,
  type EventHandlers,
  type MessageContext,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { createLogger } from '@readmit/platform/logging';
import { Registry } from 'prom-client';
import {
  encounterEvent,
  outcomeEvent,
  predictionEvent,
  syntheticLabelled,
  syntheticModel,
  type LabelledEncounter,
} from '../../../../test/support/synthetic-traffic';
import type { MonitoredChampion } from '../infrastructure/champion-reference';
import { DriftMonitor } from './drift-monitor';
import { MonitorMetrics } from './monitor-metrics';
import { encounterPseudonym } from '../../../../test/support/pseudonyms';

const MODEL = 'readmission';
const ROWS = 2_000;
// One model for the whole file: a logistic regression on 7,000 synthetic encounters, judged on 3,000.
const model = syntheticModel(MODEL, 'v1', { rows: 10_000, seed: 3, target: 'any' });
const champion = (version = 'v1'): MonitoredChampion => ({
  modelName: MODEL,
  version,
  target: model.target,
  artifactSha256: 'sha',
  reference: readModelArtifact(model.artifact).referenceProfile,
});

/** The monitor with its consumer, publisher and log replaced by recorders. */
function harness(options: { holdout?: HoldoutMetrics | null } = {}) {
  let handlers: EventHandlers = {};
  const published: OutgoingEvent[] = [];
  let failNextPublish = false;
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'monitor',
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    }),
  });
  const registry = new Registry();
  const monitor = new DriftMonitor(
    {
      start: async (given: EventHandlers) => void (handlers = given),
      whenJoined: async () => undefined,
    },
    {
      publishAll: async (events) => {
        if (failNextPublish) {
          failNextPublish = false;
          throw new Error('broker unavailable');
        }
        published.push(...events);
      },
    },
    () => (options.holdout === undefined ? model.holdout : options.holdout),
    new MonitorMetrics(registry),
    logger,
    {
      modelName: MODEL,
      producer: 'monitor@test',
      window: { rows: ROWS, slide: ROWS },
      maxPendingJoin: 10_000,
      thresholds: DEFAULT_DRIFT_THRESHOLDS,
    },
  );
  const offsets = new Map<string, number>();
  const contextOf = (eventType: EventType, topic: string, envelope: MessageContext['envelope']) => {
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    return {
      topic,
      partition: 0,
      offset: String(offset),
      key: null,
      timestamp: '0',
      eventType,
      envelope,
      heartbeat: async () => undefined,
    };
  };
  const deliver = async <K extends 'EncounterRecorded' | 'PredictionMade' | 'OutcomeRecorded'>(
    eventType: K,
    event: Parameters<NonNullable<EventHandlers[K]>>[0],
    context?: MessageContext,
  ) => {
    const topic = {
      EncounterRecorded: TOPICS.encounters.name,
      PredictionMade: TOPICS.predictions.name,
      OutcomeRecorded: TOPICS.outcomes.name,
    }[eventType];
    const handler = handlers[eventType] as (e: typeof event, c: MessageContext) => Promise<void>;
    const given = context ?? contextOf(eventType, topic, event.envelope);
    await handler(event, given);
    return given;
  };
  /** Each encounter, its prediction (scored by `score`, made by `version`) and its outcome. */
  const traffic = async (
    rows: readonly LabelledEncounter[],
    score: (row: LabelledEncounter) => number = (row) => model.score(row.encounter),
    version = 'v1',
  ) => {
    let time = Date.UTC(2026, 0, 1);
    for (const row of rows) {
      time += 1_000;
      await deliver('EncounterRecorded', encounterEvent(row.encounter, time));
      await deliver(
        'PredictionMade',
        predictionEvent(
          row.encounter.encounter_id,
          score(row),
          { modelName: MODEL, modelVersion: version },
          time + 10,
        ),
      );
      await deliver('OutcomeRecorded', outcomeEvent(row.encounter, row.outcome, time + 20));
    }
  };
  const drifts = () => published.map((outgoing) => outgoing.event as DriftDetected);
  const metric = async (pattern: RegExp) => {
    const match = pattern.exec(await registry.metrics());
    return match ? Number(match[1]) : 0;
  };
  return {
    monitor,
    deliver,
    traffic,
    published,
    drifts,
    lines,
    metric,
    failNextPublish: () => void (failNextPublish = true),
    start: async () => {
      await monitor.start();
      monitor.setChampion(champion());
    },
  };
}

describe('DriftMonitor', () => {
  it('assesses stable traffic as stable for every kind, logs why, and publishes nothing', async () => {
    const subject = harness();
    await subject.start();
    await subject.traffic(syntheticLabelled(ROWS, 11));
    expect(subject.published).toEqual([]);
    for (const kind of ['DATA', 'PREDICTION', 'PERFORMANCE'])
      expect(
        await subject.metric(
          new RegExp(`readmit_monitor_windows_total\\{kind="${kind}",verdict="stable"\\} (\\d+)`),
        ),
      ).toBe(1);
    const stable = subject.lines.filter((line) => line.verdict === 'stable');
    expect(stable.map((line) => line.kind).sort()).toEqual(['DATA', 'PERFORMANCE', 'PREDICTION']);
    expect(stable[0]).toMatchObject({
      level: 'info',
      modelVersion: 'v1',
      windowSize: ROWS,
      why: expect.stringMatching(/^nothing crossed its threshold; closest: /),
    });
    // No patient identifier in any line, whatever was logged.
    const text = JSON.stringify(subject.lines);
    expect(text).not.toMatch(/encounter_id|patient_nbr/);
    expect(
      await subject.metric(
        /readmit_drift_statistic\{kind="DATA",feature="age_band",test="psi"\} ([\d.e-]+)/,
      ),
    ).toBeGreaterThan(0);
  });

  it('publishes a DATA DriftDetected naming the drifted inputs, keyed by the champion version', async () => {
    const subject = harness();
    await subject.start();
    const drifted = syntheticLabelled(ROWS, 12, {
      from: 0,
      olderPopulation: 0.6,
      moreEmergencies: 0.5,
    });
    await subject.traffic(drifted);
    const data = subject.published.filter(
      (outgoing) => (outgoing.event as DriftDetected).kind === 'DATA',
    );
    expect(data).toHaveLength(1);
    const [{ key, eventType, event }] = data;
    const drift = event as DriftDetected;
    expect({ key, eventType }).toEqual({ key: 'v1', eventType: 'DriftDetected' });
    expect(drift).toMatchObject({
      modelName: MODEL,
      modelVersion: 'v1',
      kind: 'DATA',
      severity: 'HIGH',
      windowSize: ROWS,
      // The encounters' own times: the first at +1 s, the last at +2,000 s.
      windowStart: Date.UTC(2026, 0, 1) + 1_000,
      windowEnd: Date.UTC(2026, 0, 1) + ROWS * 1_000,
    });
    expect(drift.driftedFeatures).toEqual(
      expect.arrayContaining(['age_band', 'admission_type_id']),
    );
    expect(drift.statistics).toContainEqual(
      expect.objectContaining({ feature: 'age_band', test: 'psi', drifted: true, threshold: 0.1 }),
    );
    expect(drift.envelope).toMatchObject({ eventType: 'DriftDetected', producer: 'monitor@test' });
    expect(drift.envelope.causationId).toEqual(expect.any(String));
    expect(
      await subject.metric(/readmit_drift_alerts_total\{kind="DATA",severity="HIGH"\} (\d+)/),
    ).toBe(1);
    expect(subject.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', kind: 'DATA', verdict: 'drift' }),
    );
  });

  it('publishes a PREDICTION DriftDetected when the scores move and the inputs do not', async () => {
    const subject = harness();
    await subject.start();
    await subject.traffic(syntheticLabelled(ROWS, 14), (row) =>
      Math.min(1, model.score(row.encounter) + 0.15),
    );
    const kinds = subject.drifts().map((drift) => drift.kind);
    expect(kinds).toContain('PREDICTION');
    expect(kinds).not.toContain('DATA');
    const prediction = subject.drifts().find((drift) => drift.kind === 'PREDICTION');
    expect(prediction).toMatchObject({ driftedFeatures: ['score'], modelVersion: 'v1' });
  });

  it('publishes a PERFORMANCE DriftDetected when outcomes stop following the scores', async () => {
    const subject = harness();
    await subject.start();
    // Concept drift: the inputs are drawn as if the patients had another outcome.
    await subject.traffic(syntheticLabelled(ROWS, 13, { from: 0, concept: 0.9 }));
    const performance = subject.drifts().find((drift) => drift.kind === 'PERFORMANCE');
    expect(performance?.driftedFeatures).toEqual(expect.arrayContaining(['roc_auc']));
    expect(performance?.statistics).toContainEqual(
      expect.objectContaining({ feature: 'roc_auc', test: 'auc_drop', drifted: true }),
    );
  });

  it('joins outcomes that arrive before their predictions', async () => {
    const subject = harness();
    await subject.start();
    const rows = syntheticLabelled(ROWS, 15);
    for (const row of rows)
      await subject.deliver('OutcomeRecorded', outcomeEvent(row.encounter, row.outcome));
    for (const row of rows)
      await subject.deliver(
        'PredictionMade',
        predictionEvent(row.encounter.encounter_id, model.score(row.encounter), {
          modelName: MODEL,
          modelVersion: 'v1',
        }),
      );
    expect(
      await subject.metric(
        /readmit_monitor_windows_total\{kind="PERFORMANCE",verdict="stable"\} (\d+)/,
      ),
    ).toBe(1);
    expect(await subject.metric(/readmit_monitor_unmatched_outcomes_total\S* (\d+)/)).toBe(0);
  });

  it('has no performance verdict until the holdout metrics are known, and says so', async () => {
    const subject = harness({ holdout: null });
    await subject.start();
    await subject.traffic(syntheticLabelled(ROWS, 11));
    expect(subject.lines).toContainEqual(
      expect.objectContaining({
        kind: 'PERFORMANCE',
        verdict: 'insufficient',
        why: expect.stringContaining('holdout metrics of v1'),
      }),
    );
  });

  it("ignores other versions' predictions, and starts afresh on a new champion", async () => {
    const subject = harness();
    await subject.start();
    const rows = syntheticLabelled(ROWS, 16);
    await subject.traffic(rows.slice(0, 1_500), undefined, 'v0');
    expect(
      await subject.metric(
        /readmit_monitor_dropped_events_total\{topic="patient.predictions",reason="other_version"\} (\d+)/,
      ),
    ).toBe(1_500);
    // 1,500 encounters are in the DATA window; a new champion empties it.
    subject.monitor.setChampion(champion('v2'));
    await subject.traffic(rows.slice(1_500), undefined, 'v2');
    expect(await subject.metric(/readmit_monitor_windows_total\{kind="DATA",\S*\} (\d+)/)).toBe(0);
  });

  it('counts and drops traffic before any champion', async () => {
    const subject = harness();
    await subject.monitor.start();
    await subject.traffic(syntheticLabelled(10, 17));
    // Encounters, predictions, and the outcomes that paired with those predictions.
    expect(subject.monitor.droppedBeforeChampion).toBe(30);
    expect(
      await subject.metric(
        /readmit_monitor_dropped_events_total\{topic="patient.encounters",reason="no_champion"\} (\d+)/,
      ),
    ).toBe(10);
  });

  it('retries a failed publish with the same message without windowing it twice', async () => {
    const subject = harness();
    await subject.start();
    const rows = syntheticLabelled(ROWS, 12, { from: 0, olderPopulation: 0.6 });
    for (const row of rows.slice(0, -1))
      await subject.deliver('EncounterRecorded', encounterEvent(row.encounter));
    subject.failNextPublish();
    const last = encounterEvent(rows[rows.length - 1].encounter);
    const context: MessageContext = {
      topic: TOPICS.encounters.name,
      partition: 0,
      offset: String(ROWS - 1),
      key: null,
      timestamp: '0',
      eventType: 'EncounterRecorded',
      envelope: last.envelope,
      heartbeat: async () => undefined,
    };
    await expect(subject.deliver('EncounterRecorded', last, context)).rejects.toBeInstanceOf(
      RetriableKafkaError,
    );
    // The platform retries the same message (same offset): it is not windowed again.
    await subject.deliver('EncounterRecorded', last, context);
    expect(subject.drifts().map((drift) => drift.kind)).toEqual(['DATA']);
    expect(
      await subject.metric(/readmit_monitor_events_total\{topic="patient.encounters"\} (\d+)/),
    ).toBe(ROWS);
  });

  it('does not window again what the group redelivers after an uncommitted batch', async () => {
    const subject = harness();
    await subject.start();
    const rows = syntheticLabelled(ROWS, 12, { from: 0, olderPopulation: 0.6 });
    const delivered: Array<{ event: ReturnType<typeof encounterEvent>; context: MessageContext }> =
      [];
    for (const row of rows.slice(0, -1)) {
      const event = encounterEvent(row.encounter);
      delivered.push({ event, context: await subject.deliver('EncounterRecorded', event) });
    }
    // A replacement consumer resumes from the last committed offset: the last 500 come again.
    for (const { event, context } of delivered.slice(-500))
      await subject.deliver('EncounterRecorded', event, context);
    expect(subject.drifts()).toEqual([]);
    await subject.deliver('EncounterRecorded', encounterEvent(rows[rows.length - 1].encounter));
    expect(subject.drifts().map((drift) => drift.kind)).toEqual(['DATA']);
    expect(
      await subject.metric(/readmit_monitor_events_total\{topic="patient.encounters"\} (\d+)/),
    ).toBe(ROWS);
  });

  it('refuses a prediction whose score is not a probability, for the dead-letter topic', async () => {
    const subject = harness();
    await subject.start();
    await expect(
      subject.deliver(
        'PredictionMade',
        predictionEvent(encounterPseudonym(1), 7, { modelName: MODEL, modelVersion: 'v1' }),
      ),
    ).rejects.toBeInstanceOf(InvalidEventError);
  });
});
