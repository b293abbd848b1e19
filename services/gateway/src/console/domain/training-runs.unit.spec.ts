import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { evolveRun } from './training-runs';

describe('evolveRun', () => {
  it('tells an imported model run: uploaded by whom, judged, completed', () => {
    const requested = EXAMPLE_EVENTS.ModelImportRequested;
    const completed = {
      ...EXAMPLE_EVENTS.TrainingCompleted,
      runId: requested.runId,
      modelVersion: '20261204T090000-5b0e2f8c',
    };
    // ml.training has several partitions: the end may be read first.
    const ended = evolveRun(undefined, { eventType: 'TrainingCompleted', event: completed });
    const run = evolveRun(ended, { eventType: 'ModelImportRequested', event: requested });
    expect(run).toMatchObject({
      runId: requested.runId,
      reason: 'IMPORT',
      task: 'WITHIN_30_DAYS',
      asOf: requested.asOf,
      requestedBy: 'dr.lee',
      status: 'completed',
      modelVersion: '20261204T090000-5b0e2f8c',
    });
  });
});
