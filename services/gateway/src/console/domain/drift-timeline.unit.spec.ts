import { EXAMPLE_EVENTS, type DriftDetected, type TrainingRequested } from '@readmit/contracts';
import { driftTimeline } from './drift-timeline';
import { evolveRun } from './training-runs';

const alert = (eventId: string, windowEnd: number, psi: Record<string, [number, boolean]>) =>
  ({
    ...EXAMPLE_EVENTS.DriftDetected,
    envelope: { ...EXAMPLE_EVENTS.DriftDetected.envelope, eventId, occurredAt: windowEnd + 1 },
    windowEnd,
    statistics: [
      ...Object.entries(psi).map(([feature, [value, drifted]]) => ({
        feature,
        test: 'psi',
        value,
        pValue: null,
        threshold: 0.2,
        drifted,
      })),
      { feature: 'score', test: 'ks', value: 0.3, pValue: 0.01, threshold: 0.1, drifted: true },
    ],
  }) satisfies DriftDetected;

describe('drift timeline', () => {
  it('gives each feature its PSI over the alerting windows in time order, drifted features first', () => {
    const timeline = driftTimeline(
      [
        alert('b', 2_000, { age: [0.3, true], race: [0.05, false] }),
        alert('a', 1_000, { age: [0.1, false], race: [0.02, false] }),
      ],
      [],
    );
    expect(timeline.series.map((series) => series.feature)).toEqual(['age', 'race']);
    expect(timeline.series[0]).toEqual({
      feature: 'age',
      threshold: 0.2,
      points: [
        { at: 1_000, value: 0.1, drifted: false },
        { at: 2_000, value: 0.3, drifted: true },
      ],
    });
    expect(timeline.alerts.map((entry) => entry.eventId)).toEqual(['b', 'a']);
    expect(timeline.alerts[0].breaches).toEqual([
      { feature: 'age', test: 'psi', value: 0.3, threshold: 0.2 },
      { feature: 'score', test: 'ks', value: 0.3, threshold: 0.1 },
    ]);
  });

  it('links an alert to the runs whose request names it, with how each run ended', () => {
    const requested: TrainingRequested = {
      ...EXAMPLE_EVENTS.TrainingRequested,
      runId: 'run-1',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['b'],
    };
    // The run's end may be read before its request (ml.training has several partitions).
    const completed = evolveRun(undefined, {
      eventType: 'TrainingCompleted',
      event: { ...EXAMPLE_EVENTS.TrainingCompleted, runId: 'run-1', modelVersion: 'v7' },
    });
    const run = evolveRun(completed, { eventType: 'TrainingRequested', event: requested });
    const timeline = driftTimeline([alert('a', 1_000, {}), alert('b', 2_000, {})], [run]);
    expect(timeline.alerts[0].retraining).toEqual([
      expect.objectContaining({
        runId: 'run-1',
        status: 'completed',
        modelVersion: 'v7',
        reason: 'DRIFT_DETECTED',
      }),
    ]);
    expect(timeline.alerts[1].retraining).toEqual([]);
  });
});
