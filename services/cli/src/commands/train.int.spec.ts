import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@readmit/contracts';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import { dropTestSchema } from '../../../../test/support/database';
import { sharedDataFile, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import { runReadmit } from '../../../../test/support/processes';
import { isolatedCatalog, testKafka } from '../../../../test/support/kafka';
import { TEST_PSEUDONYM_KEY } from '../../../../test/support/pseudonyms';
import { produceEvents } from './produce.command';

const readmit = (...args: string[]) => runReadmit(args);

/** Topics of a prefix of their own: what a training run reads and writes. */
const trainingCatalog = () =>
  isolatedCatalog(testKafka(), [TOPICS.encounters, TOPICS.outcomes, TOPICS.training]);

describe('readmit train', () => {
  it('requests a run, trains it here with --local, and prints the model it made', async () => {
    const prefix = await trainingCatalog();
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

  it('with the KEK, trains on a sealed log opened with the same keys; without it, on nothing', async () => {
    const prefix = await trainingCatalog();
    const folder = mkdtempSync(join(tmpdir(), 'readmit-cli-sealed-'));
    const kek = `local:${join(folder, 'kek')}`;
    createLocalKekFile(join(folder, 'kek'));
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    const databaseSchema = uniqueName('cli_sealed').replace(/-/g, '_');
    const trainHere = (env: Record<string, string>) =>
      runReadmit(
        [
          'train',
          '--local',
          '--task',
          'any',
          '--candidates',
          'logistic_regression',
          '--artifacts',
          join(folder, 'artifacts'),
          '--prefix',
          prefix,
        ],
        { env },
      );
    try {
      // Its progress line would be jest's console noise.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const produced = await produceEvents({
        synthetic: 800,
        seed: 11,
        prefix,
        brokers: kafkaBrokers.join(','),
        registry: schemaRegistryUrl,
        pseudonymKey: TEST_PSEUDONYM_KEY,
        sealing: { kek, databaseUrl, databaseSchema },
      }).finally(() => quiet.mockRestore());
      expect(produced).toMatchObject({ encounters: 800, outcomes: 800, rejected: 0 });

      // The KEK and the keys' database as the services see them (READMIT_*): every row opened.
      const sealed = trainHere({
        READMIT_KEK: kek,
        READMIT_DATABASE_URL: databaseUrl,
        READMIT_DATABASE_SCHEMA: databaseSchema,
      });
      expect(sealed.stderr).not.toContain('events left out of the training set');
      expect(sealed.status).toBe(0);
      const [, train, validation, holdout] =
        /^rows: (\d+) train \/ (\d+) validation \/ (\d+) holdout/m.exec(sealed.stdout) ?? [];
      expect(Number(train) + Number(validation) + Number(holdout)).toBe(800);

      // No KEK: no sealed event opens; the run fails saying so rather than train on nothing.
      const unsealed = trainHere({ READMIT_KEK: '' });
      expect(unsealed.status).toBe(1);
      expect(unsealed.stdout).toContain(
        "training failed at read: 1600 patient events on the log are sealed under patients' data keys and this trainer holds none",
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await dropTestSchema(databaseSchema);
    }
  });
});
