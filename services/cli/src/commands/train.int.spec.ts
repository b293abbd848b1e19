import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@readmit/contracts';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { runReadmit } from '../../../../test/support/processes';
import { isolatedCatalog, testKafka } from '../../../../test/support/kafka';

const readmit = (...args: string[]) => runReadmit(args);

describe('readmit train', () => {
  it('requests a run, trains it here with --local, and prints the model it made', async () => {
    const prefix = await isolatedCatalog(testKafka(), [
      TOPICS.encounters,
      TOPICS.outcomes,
      TOPICS.training,
    ]);
    const artifacts = mkdtempSync(join(tmpdir(), 'readmit-cli-artifacts-'));
    try {
      const produced = readmit(
        'produce',
        '--csv',
        sharedDataFile('diabetic_data_sample.csv'),
        '--prefix',
        prefix,
      );
      expect(produced.status).toBe(0);

      const trained = readmit(
        'train',
        '--local',
        '--task',
        'any',
        '--candidates',
        'logistic_regression',
        '--artifacts',
        artifacts,
        '--prefix',
        prefix,
      );
      expect(trained.stderr).toMatch(/training run [0-9a-f-]{36}: readmission, any, as of /);
      expect(trained.status).toBe(0);
      expect(trained.stdout).toMatch(
        /^model readmission \d{8}T\d{6}-[0-9a-f]{8}: logistic-regression \{"l2":"\d+"\}, threshold 0\.\d{3}$/m,
      );
      expect(trained.stdout).toMatch(/^holdout: roc_auc 0\.\d{3}, pr_auc/m);
      expect(trained.stdout).toMatch(
        /^rows: \d+ train \/ \d+ validation \/ \d+ holdout \(split by patient\)/m,
      );
      expect(trained.stdout).toContain(`artifact: file://${artifacts}/models/readmission/`);

      // Without --local and without a trainer service, it says what is missing and fails.
      const waiting = readmit('train', '--timeout', '3s', '--prefix', prefix);
      expect(waiting.status).toBe(1);
      expect(waiting.stderr).toMatch(
        /no answer to run .* within 3 s; is the trainer service running\? \(or use --local\)/,
      );

      const wrong = readmit('train', '--candidates', 'svm', '--prefix', prefix);
      expect(wrong.status).not.toBe(0);
      expect(wrong.stderr).toContain('unknown candidate svm; known: logistic_regression, gbdt');
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  });
});
