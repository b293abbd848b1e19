import { parse } from 'yaml';
import { numbered, versionRow } from '../testing/version-rows';
import {
  downloadUri,
  listArtifacts,
  mlmodelFile,
  parseArtifactPath,
  versionFiles,
} from './artifacts';

const [champion, untrained] = numbered(
  versionRow('20261123T101500-1a2b3c4d', 'champion', {
    artifactSha256: 'c0ffee'.padEnd(64, '0'),
  }),
  versionRow('v2', 'candidate', { artifactUri: null, artifactSha256: null, runId: null }),
);
const MODELS = new Map([
  ['readmission', [champion, untrained]],
  ['other', numbered(versionRow('o1', 'champion', { modelName: 'other' }))],
]);

describe('the mlflow-artifacts tree', () => {
  it('gives each version a download URI under its Readmit id', () => {
    expect(downloadUri('readmission', '20261123T101500-1a2b3c4d')).toBe(
      'mlflow-artifacts:/models/readmission/20261123T101500-1a2b3c4d',
    );
  });

  it.each([
    ['', { kind: 'root' }],
    ['/', { kind: 'root' }],
    ['models', { kind: 'models' }],
    ['models/readmission/', { kind: 'model', modelName: 'readmission' }],
    ['models/readmission/v1', { kind: 'version', modelName: 'readmission', versionId: 'v1' }],
    [
      '/models/readmission/v1/model.onnx',
      { kind: 'file', modelName: 'readmission', versionId: 'v1', file: 'model.onnx' },
    ],
  ])('reads %j', (path, location) => {
    expect(parseArtifactPath(path)).toEqual(location);
  });

  it.each([
    'runs/1',
    'models/readmission/v1/model.onnx/extra',
    'models/../secrets',
    'models/readmission/./x',
    'models//v1',
    'models/a\\b',
  ])('refuses %j', (path) => {
    expect(parseArtifactPath(path)).toBeUndefined();
  });

  it('lists directories down to a version’s MLmodel and model.onnx; a file lists as nothing', () => {
    const list = (path: string) => listArtifacts(parseArtifactPath(path)!, MODELS);
    expect(list('')).toEqual([{ path: 'models', is_dir: true }]);
    expect(list('models')).toEqual([
      { path: 'other', is_dir: true },
      { path: 'readmission', is_dir: true },
    ]);
    expect(list('models/readmission')).toEqual([
      { path: '20261123T101500-1a2b3c4d', is_dir: true },
      { path: 'v2', is_dir: true },
    ]);
    expect(list('models/readmission/20261123T101500-1a2b3c4d')).toEqual([
      {
        path: 'MLmodel',
        is_dir: false,
        file_size: new TextEncoder().encode(mlmodelFile(champion)).length,
      },
      { path: 'model.onnx', is_dir: false },
    ]);
    expect(list('models/readmission/20261123T101500-1a2b3c4d/model.onnx')).toEqual([]);
    expect(list('models/readmission/v2')).toEqual([]);
    expect(list('models/readmission/v2/model.onnx')).toBeUndefined();
    expect(list('models/readmission/nope')).toBeUndefined();
    expect(list('models/nope')).toBeUndefined();
    expect(versionFiles(untrained)).toEqual([]);
  });

  it('writes an MLmodel that loads the ONNX file with mlflow.onnx and names the Readmit version', () => {
    const text = mlmodelFile(champion);
    expect(parse(text)).toEqual({
      flavors: {
        onnx: { data: 'model.onnx', providers: ['CPUExecutionProvider'] },
        python_function: { data: 'model.onnx', loader_module: 'mlflow.onnx' },
      },
      metadata: {
        readmit_model_name: 'readmission',
        readmit_version_id: '20261123T101500-1a2b3c4d',
        readmit_artifact_sha256: champion.artifactSha256,
        readmit_threshold: 0.3,
        readmit_feature_spec_version: champion.featureSpecVersion,
      },
      model_uuid: 'c0ffee'.padEnd(32, '0'),
      utc_time_created: '2026-11-23 10:00:00.000000',
    });
    expect(mlmodelFile(champion)).toBe(text);
  });
});
