import type { Envelope } from '@readmit/contracts';
import { causeOf, runIdFor, trainingRequestOf } from './training-request';
import type { RequestDecision } from './retraining-replay';

const NOW = Date.UTC(2026, 0, 23, 10, 15, 0, 250);
const decision: RequestDecision = {
  kind: 'request',
  reason: 'DRIFT_DETECTED',
  triggeredBy: ['d1', 'b1'],
  why: 'retrain for 1 drift signal(s), worst HIGH and 1 batch(es)',
};
const envelopeOf = (eventId: string): Envelope => ({
  eventId,
  eventType: 'DriftDetected',
  occurredAt: NOW - 60_000,
  correlationId: `flow-${eventId}`,
  causationId: null,
  producer: 'monitor@0.1.0',
});

describe('training requests of the orchestrator', () => {
  it('names runs readably, the random part first (the trainer versions by it)', () => {
    expect(runIdFor('readmission', 'DRIFT_DETECTED', NOW, '3f9a0c1e')).toBe(
      '3f9a0c1e-readmission-drift-20260123T101500Z',
    );
    expect(runIdFor('readmission', 'BATCH_ARRIVED', NOW, '00000000')).toBe(
      '00000000-readmission-batches-20260123T101500Z',
    );
    expect(() => runIdFor('readmission', 'BATCH_ARRIVED', NOW, 'xyz')).toThrow(/8 random hex/);
  });

  it('takes the oldest known trigger as the cause', () => {
    const envelopes = new Map([['b1', envelopeOf('b1')]]);
    expect(causeOf(decision, envelopes)?.eventId).toBe('b1');
    envelopes.set('d1', envelopeOf('d1'));
    expect(causeOf(decision, envelopes)?.eventId).toBe('d1');
    expect(causeOf(decision, new Map())).toBe(null);
  });

  it('builds the TrainingRequested the trainer reads', () => {
    const envelope = { ...envelopeOf('request'), eventType: 'TrainingRequested' };
    expect(
      trainingRequestOf(decision, {
        envelope,
        runId: 'run-1',
        now: NOW,
        settings: { modelName: 'readmission', task: 'WITHIN_30_DAYS', candidates: ['gbdt'] },
      }),
    ).toEqual({
      envelope,
      runId: 'run-1',
      modelName: 'readmission',
      reason: 'DRIFT_DETECTED',
      triggeredBy: ['d1', 'b1'],
      task: 'WITHIN_30_DAYS',
      asOf: NOW,
      candidates: ['gbdt'],
      requestedBy: 'orchestrator',
    });
  });
});
