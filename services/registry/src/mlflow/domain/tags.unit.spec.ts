import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { numbered, versionRow } from '../testing/version-rows';
import { modelTags, originOf, tagMap, versionTags } from './tags';

describe('tags derived from the log', () => {
  it('gives a version its Readmit id, stage, origin, run, training facts, holdout metrics and params', () => {
    const [version] = numbered(
      versionRow('20261123T101500-1a2b3c4d', 'champion', {
        metrics: { roc_auc: 0.71, brier: 0.19 },
      }),
    );
    expect(versionTags(version)).toEqual([
      { key: 'readmit.version_id', value: '20261123T101500-1a2b3c4d' },
      { key: 'readmit.stage', value: 'champion' },
      { key: 'readmit.origin', value: 'trainer' },
      { key: 'readmit.run_id', value: 'run-20261123T101500-1a2b3c4d' },
      { key: 'readmit.algorithm', value: 'gbdt' },
      {
        key: 'readmit.feature_spec_version',
        value: EXAMPLE_EVENTS.TrainingCompleted.featureSpecVersion,
      },
      { key: 'readmit.threshold', value: '0.3' },
      { key: 'readmit.artifact_sha256', value: 'ab'.repeat(32) },
      { key: 'readmit.holdout_id', value: EXAMPLE_EVENTS.TrainingCompleted.lineage.holdoutId },
      {
        key: 'readmit.train_rows',
        value: String(EXAMPLE_EVENTS.TrainingCompleted.lineage.trainRows),
      },
      {
        key: 'readmit.holdout_rows',
        value: String(EXAMPLE_EVENTS.TrainingCompleted.lineage.holdoutRows),
      },
      { key: 'readmit.training_duration_ms', value: '1200' },
      { key: 'readmit.holdout.brier', value: '0.19' },
      { key: 'readmit.holdout.roc_auc', value: '0.71' },
      { key: 'readmit.param.depth', value: '4' },
      { key: 'readmit.param.eta', value: '0.1' },
    ]);
  });

  it('tells an imported model (algorithm external) from the trainer’s', () => {
    expect(originOf({ algorithm: 'external' })).toBe('import');
    expect(originOf({ algorithm: 'logistic-regression' })).toBe('trainer');
  });

  it('gives a version decided before its training was projected only what is known', () => {
    const [version] = numbered(
      versionRow('v9', 'champion', {
        runId: null,
        algorithm: null,
        params: null,
        artifactUri: null,
        artifactSha256: null,
        featureSpecVersion: null,
        threshold: null,
        metrics: null,
        lineage: null,
        trainingDurationMs: null,
        registeredAt: null,
      }),
    );
    expect(versionTags(version)).toEqual([
      { key: 'readmit.version_id', value: 'v9' },
      { key: 'readmit.stage', value: 'champion' },
    ]);
  });

  it('gives a model its number of versions and the ids behind its aliases and newest version', () => {
    const versions = numbered(
      versionRow('a', 'archived'),
      versionRow('b', 'champion'),
      versionRow('c', 'challenger'),
      versionRow('d', 'rejected'),
    );
    expect(tagMap(modelTags(versions))).toEqual(
      new Map([
        ['readmit.versions', '4'],
        ['readmit.champion_version_id', 'b'],
        ['readmit.challenger_version_id', 'c'],
        ['readmit.latest_version_id', 'd'],
      ]),
    );
    expect(modelTags(numbered(versionRow('a')))).toEqual([
      { key: 'readmit.versions', value: '1' },
      { key: 'readmit.latest_version_id', value: 'a' },
    ]);
  });
});
