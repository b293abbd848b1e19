import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../../test/support/endpoints';

describe('readmit demo (the main job, on the local default setup)', () => {
  it('brings the platform up, publishes encounters, trains and stores a model', () => {
    const demo = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'readmit.js'), 'demo'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain(
      'rows: 20000, encounters published: 20000, outcomes published: 20000, rejected rows: 0',
    );
    expect(demo.stdout).toMatch(/^model readmission \S+: (gbdt|logistic-regression) /m);
    expect(demo.stdout).toMatch(/^holdout: roc_auc 0\.\d{3}/m);
    expect(demo.stdout).toContain('Done: the model above is stored');
    // The first model (or a better one) is champion; a later demo's model may be rejected.
    expect(demo.stdout).toMatch(/^readmission \S+ is (champion \(was \S+\)|rejected)$/m);
  });
});
