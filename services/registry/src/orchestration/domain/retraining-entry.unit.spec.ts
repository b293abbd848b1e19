import { EXAMPLE_EVENTS, type Envelope, type EventType } from '@readmit/contracts';
import { entryOf, ORCHESTRATOR_REQUESTER, triggerIdOf } from './retraining-entry';

const position = { topic: 'ml.training', partition: 2, offset: '17' };
const envelope = (eventType: EventType, eventId: string): Envelope => ({
  eventId,
  eventType,
  occurredAt: 1_700_000_000_000,
  correlationId: `c-${eventId}`,
  causationId: null,
  producer: 'test',
});

describe('entryOf: logged events as retraining signals of one model', () => {
  it('maps batches (of every model) and this model drift to triggers, at their event time', () => {
    const batch = entryOf(
      {
        eventType: 'BatchArrived',
        event: { ...EXAMPLE_EVENTS.BatchArrived, envelope: envelope('BatchArrived', 'b1') },
      },
      position,
      'readmission',
    );
    expect(batch).toEqual({
      position,
      signal: { type: 'BatchArrived', eventId: 'b1', at: 1_700_000_000_000 },
      envelope: envelope('BatchArrived', 'b1'),
      ownRequest: null,
    });
    expect(batch && triggerIdOf(batch)).toBe('b1');

    const drift = {
      ...EXAMPLE_EVENTS.DriftDetected,
      envelope: envelope('DriftDetected', 'd1'),
      severity: 'MEDIUM' as const,
    };
    expect(entryOf({ eventType: 'DriftDetected', event: drift }, position, 'readmission')).toEqual(
      expect.objectContaining({
        signal: { type: 'DriftDetected', eventId: 'd1', at: 1_700_000_000_000, severity: 'MEDIUM' },
      }),
    );
    expect(entryOf({ eventType: 'DriftDetected', event: drift }, position, 'other-model')).toBe(
      null,
    );
  });

  it('maps training events of this model, and knows the requests the orchestrator wrote', () => {
    const request = {
      ...EXAMPLE_EVENTS.TrainingRequested,
      envelope: envelope('TrainingRequested', 'r-event'),
      runId: 'run-1',
      requestedBy: ORCHESTRATOR_REQUESTER,
      triggeredBy: ['b1', 'd1'],
    };
    const own = entryOf(
      { eventType: 'TrainingRequested', event: request },
      position,
      'readmission',
    );
    expect(own).toMatchObject({
      signal: { type: 'TrainingRequested', runId: 'run-1', at: 1_700_000_000_000 },
      ownRequest: { triggeredBy: ['b1', 'd1'] },
    });
    expect(own && triggerIdOf(own)).toBe(null);
    const manual = entryOf(
      { eventType: 'TrainingRequested', event: { ...request, requestedBy: 'alice' } },
      position,
      'readmission',
    );
    expect(manual?.ownRequest).toBe(null);

    const failed = {
      ...EXAMPLE_EVENTS.TrainingFailed,
      envelope: envelope('TrainingFailed', 'f'),
      runId: 'run-1',
      modelName: 'readmission',
      retriable: true,
    };
    expect(
      entryOf({ eventType: 'TrainingFailed', event: failed }, position, 'readmission')?.signal,
    ).toEqual({ type: 'TrainingFailed', runId: 'run-1', at: 1_700_000_000_000, retriable: true });
    const completed = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      envelope: envelope('TrainingCompleted', 'c'),
      runId: 'run-1',
      modelName: 'readmission',
    };
    expect(
      entryOf({ eventType: 'TrainingCompleted', event: completed }, position, 'readmission')
        ?.signal,
    ).toEqual({ type: 'TrainingCompleted', runId: 'run-1', at: 1_700_000_000_000 });
    expect(entryOf({ eventType: 'TrainingCompleted', event: completed }, position, 'another')).toBe(
      null,
    );
  });

  it('leaves other events alone', () => {
    expect(
      entryOf(
        { eventType: 'ModelPromoted', event: EXAMPLE_EVENTS.ModelPromoted },
        position,
        'readmission',
      ),
    ).toBe(null);
  });
});
