import { numbered, versionRow } from '../testing/version-rows';
import { mlflowModelVersion, mlflowRegisteredModel } from './entities';

const REGISTERED = new Date(Date.UTC(2026, 10, 20, 9));
const CHANGED = new Date(Date.UTC(2026, 10, 23, 12));

describe('MLflow entities', () => {
  it('shows a version as MLflow’s ModelVersion: number, stage, source, run, tags and aliases', () => {
    const [, version] = numbered(
      versionRow('a', 'archived'),
      versionRow('20261123T101500-1a2b3c4d', 'champion', {
        registeredAt: REGISTERED,
        stageChangedAt: CHANGED,
      }),
    );
    expect(mlflowModelVersion(version)).toEqual({
      name: 'readmission',
      version: '2',
      creation_timestamp: REGISTERED.getTime(),
      last_updated_timestamp: CHANGED.getTime(),
      current_stage: 'Production',
      description: 'Readmit version 20261123T101500-1a2b3c4d (gbdt)',
      source: 'mlflow-artifacts:/models/readmission/20261123T101500-1a2b3c4d',
      run_id: 'run-20261123T101500-1a2b3c4d',
      status: 'READY',
      tags: expect.arrayContaining([
        { key: 'readmit.version_id', value: '20261123T101500-1a2b3c4d' },
      ]),
      aliases: ['champion'],
    });
  });

  it('shows a version whose training is not projected yet as PENDING_REGISTRATION', () => {
    const [version] = numbered(
      versionRow('v1', 'champion', { runId: null, registeredAt: null, stageChangedAt: CHANGED }),
    );
    expect(mlflowModelVersion(version)).toMatchObject({
      status: 'PENDING_REGISTRATION',
      status_message: expect.stringMatching(/TrainingCompleted/),
      creation_timestamp: CHANGED.getTime(),
    });
    expect(mlflowModelVersion(version)).not.toHaveProperty('run_id');
  });

  it('shows a model as MLflow’s RegisteredModel with its latest versions, tags and aliases', () => {
    const versions = numbered(
      versionRow('a', 'champion', { registeredAt: REGISTERED, stageChangedAt: REGISTERED }),
      versionRow('b', 'challenger', { registeredAt: CHANGED, stageChangedAt: CHANGED }),
    );
    const model = mlflowRegisteredModel('readmission', versions);
    expect(model).toMatchObject({
      name: 'readmission',
      creation_timestamp: REGISTERED.getTime(),
      last_updated_timestamp: CHANGED.getTime(),
      aliases: [
        { alias: 'champion', version: '1' },
        { alias: 'challenger', version: '2' },
      ],
    });
    expect(
      model.latest_versions.map((version) => [version.version, version.current_stage]),
    ).toEqual([
      ['2', 'Staging'],
      ['1', 'Production'],
    ]);
    expect(model.tags).toContainEqual({ key: 'readmit.champion_version_id', value: 'a' });
  });
});
