import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { decideOnRequest, FinishedRuns, type TrainingOutcome } from './finished-runs';

const completed = (runId: string, modelVersion: string): TrainingOutcome => ({
  eventType: 'TrainingCompleted',
  event: { ...EXAMPLE_EVENTS.TrainingCompleted, runId, modelName: 'readmission', modelVersion },
});
const failed = (runId: string): TrainingOutcome => ({
  eventType: 'TrainingFailed',
  event: { ...EXAMPLE_EVENTS.TrainingFailed, runId, modelName: 'readmission', retriable: true },
});
const request = (runId: string, modelName = 'readmission') => ({ runId, modelName });

describe('which training requests the trainer trains', () => {
  it('trains a run with no outcome on the log', () => {
    const finished = new FinishedRuns();
    expect(decideOnRequest(request('run-1'), 'v1', finished)).toEqual({ kind: 'train' });
    finished.record(completed('run-2', 'v2'));
    expect(decideOnRequest(request('run-1'), 'v1', finished)).toEqual({ kind: 'train' });
  });

  it('skips a redelivered request whose run completed', () => {
    const finished = new FinishedRuns();
    finished.record(completed('run-1', 'v1'));
    expect(decideOnRequest(request('run-1'), 'v1', finished)).toEqual({
      kind: 'skip',
      reason: 'already_done',
      finished: {
        runId: 'run-1',
        modelName: 'readmission',
        outcome: 'completed',
        modelVersion: 'v1',
      },
    });
  });

  it('skips a run that failed, even retriably: a retry comes as a new request', () => {
    const finished = new FinishedRuns();
    finished.record(failed('run-1'));
    expect(decideOnRequest(request('run-1'), 'v1', finished)).toMatchObject({
      kind: 'skip',
      finished: { outcome: 'failed', modelVersion: null },
    });
  });

  it('skips a request whose version is already trained, and only for the same model', () => {
    const finished = new FinishedRuns();
    finished.record(completed('run-1', 'v1'));
    expect(decideOnRequest(request('run-9'), 'v1', finished)).toMatchObject({
      kind: 'skip',
      finished: { runId: 'run-1' },
    });
    expect(decideOnRequest(request('run-9', 'other-model'), 'v1', finished)).toEqual({
      kind: 'train',
    });
  });

  it("keeps a run's first outcome: a second one, from a run trained twice, changes nothing", () => {
    const finished = new FinishedRuns();
    expect(finished.record(completed('run-1', 'v1'))).toBe(true);
    expect(finished.record(failed('run-1'))).toBe(false);
    expect(finished.record(completed('run-1', 'v1'))).toBe(false);
    expect(finished.size).toBe(1);
    expect(finished.outcomeOfRun('run-1')).toMatchObject({ outcome: 'completed' });
  });
});
