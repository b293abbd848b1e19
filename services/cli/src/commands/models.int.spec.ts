import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_EVENTS, TOPICS, type TrainingCompleted } from '@readmit/contracts';
import { newEnvelope } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { smallModelArtifact } from '../../../../test/support/artifacts';
import { isolatedEventStreams } from '../../../../test/support/kafka';
import { runReadmit } from '../../../../test/support/processes';

describe('readmit models', () => {
  it('lists, shows, promotes (refusing what fails the policy unless forced) and rolls back', async () => {
    const { prefix, publisher } = await isolatedEventStreams(
      [TOPICS.training, TOPICS.models],
      ['TrainingCompleted'],
    );
    const artifactsRoot = mkdtempSync(join(tmpdir(), 'readmit-cli-models-'));
    const artifacts = new ModelArtifactStore(new FileSystemObjectStore(artifactsRoot));
    const readmit = (...args: string[]) =>
      runReadmit([...args, '--prefix', prefix, '--artifacts', artifactsRoot], { database: true });
    const decision = ['--by', 'dr.lee', '--reason', 'reviewed'];
    try {
      for (const [version, auc] of [
        ['v1', 0.66],
        ['v2', 0.69],
      ] as const) {
        const stored = await artifacts.save(
          'readmission',
          version,
          smallModelArtifact('readmission', version),
        );
        const event: TrainingCompleted = {
          ...EXAMPLE_EVENTS.TrainingCompleted,
          envelope: newEnvelope('TrainingCompleted', { producer: 'test' }),
          runId: `run-${version}`,
          modelVersion: version,
          artifactUri: stored.uri,
          artifactSha256: stored.sha256,
          metrics: { roc_auc: auc, brier: 0.2 },
          lineage: { ...EXAMPLE_EVENTS.TrainingCompleted.lineage, holdoutId: `holdout-${version}` },
          championEvaluation: null,
        };
        await publisher.publish('TrainingCompleted', event.runId, event);
      }

      const first = readmit('models', 'promote', 'v1', ...decision);
      expect(first.stderr).toBe('');
      expect(first.stdout).toMatch(/^readmission v1 is champion \(was none\)$/m);
      expect(first.stdout).toMatch(/pass better_than_chance/);

      // v2 was never scored against v1 on one holdout: the policy refuses, --force overrides.
      const refused = readmit('models', 'promote', 'v2', ...decision);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/failed same_holdout.*\[failed: same_holdout\]/);
      const forced = readmit('models', 'promote', 'v2', ...decision, '--force');
      expect(forced.stdout).toMatch(/^readmission v2 is champion \(was v1\)$/m);

      const listed = readmit('models', 'list');
      expect(listed.stdout).toMatch(/^v1 +archived +gbdt +0\.660/m);
      expect(listed.stdout).toMatch(
        /^v2 +champion +gbdt +0\.690 .*promoted by dr\.lee: reviewed \(forced: failed same_holdout\)$/m,
      );
      expect(listed.stdout).toMatch(/^champion: v2, challenger: none$/m);

      const rolledBack = readmit('models', 'rollback', ...decision);
      expect(rolledBack.stdout).toMatch(/^readmission rolled back from v2 to v1$/m);
      const again = readmit('models', 'rollback', ...decision, '--to', 'v1');
      expect(again.stdout).toMatch(/nothing to do \(already the champion\)/);

      const shown = readmit('models', 'show', 'v1', '--json');
      expect(JSON.parse(shown.stdout)).toMatchObject({
        version: 'v1',
        stage: 'champion',
        decisions: [
          { kind: 'promoted', decidedBy: 'dr.lee' },
          { kind: 'archived' },
          { kind: 'rolled-back-to', decidedBy: 'dr.lee' },
        ],
      });
      const compared = readmit('models', 'compare', 'v1', 'v2');
      expect(compared.stdout).toMatch(
        /^v1 vs v2: different-holdouts \(deltas are not comparable\)$/m,
      );
      expect(compared.stdout).toMatch(/^ {2}roc_auc +0\.660 +0\.690 \+0\.030$/m);

      const unknown = readmit('models', 'show', 'v9');
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toMatch(/readmission has no version v9/);
    } finally {
      await publisher.disconnect();
      rmSync(artifactsRoot, { recursive: true, force: true });
    }
  });
});
