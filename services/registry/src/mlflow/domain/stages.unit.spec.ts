import type { Stage } from '../../domain/registry-state';
import { numbered, versionRow } from '../testing/version-rows';
import { MlflowRequestError } from './mlflow-error';
import {
  aliasesOf,
  latestVersions,
  mlflowStageOf,
  modelAliases,
  parseMlflowStage,
  versionWithAlias,
} from './stages';

describe('stages and aliases (Readmit → MLflow)', () => {
  it.each<[Stage, string]>([
    ['champion', 'Production'],
    ['challenger', 'Staging'],
    ['candidate', 'None'],
    ['archived', 'Archived'],
    ['rejected', 'Archived'],
  ])('maps %s to %s', (stage, mlflow) => {
    expect(mlflowStageOf(stage)).toBe(mlflow);
  });

  it('reads stages in any case, as MLflow does, and refuses others', () => {
    expect(parseMlflowStage('production')).toBe('Production');
    expect(parseMlflowStage('NONE')).toBe('None');
    expect(() => parseMlflowStage('Shadow')).toThrow(MlflowRequestError);
    expect(() => parseMlflowStage('Shadow')).toThrow(/None, Staging, Production, Archived/);
  });

  const versions = numbered(
    versionRow('a', 'archived'),
    versionRow('b', 'champion'),
    versionRow('c', 'rejected'),
    versionRow('d', 'candidate'),
    versionRow('e', 'challenger'),
    versionRow('f', 'candidate'),
  );

  it('answers get-latest-versions: the highest-numbered version of each stage asked', () => {
    const latest = (stages?: Parameters<typeof latestVersions>[1]) =>
      latestVersions(versions, stages).map((version) => [version.version, version.number]);
    expect(latest()).toEqual([
      ['f', 6],
      ['e', 5],
      ['b', 2],
      ['c', 3],
    ]);
    expect(latest(['Production'])).toEqual([['b', 2]]);
    expect(latest(['Archived', 'Staging'])).toEqual([
      ['e', 5],
      ['c', 3],
    ]);
    expect(latestVersions(numbered(versionRow('a', 'candidate')), ['Production'])).toEqual([]);
  });

  it('derives the aliases from the serving roles', () => {
    expect(aliasesOf('champion')).toEqual(['champion']);
    expect(aliasesOf('challenger')).toEqual(['challenger']);
    expect(aliasesOf('archived')).toEqual([]);
    expect(modelAliases(versions)).toEqual([
      { alias: 'champion', version: '2' },
      { alias: 'challenger', version: '5' },
    ]);
    expect(versionWithAlias(versions, 'challenger')?.version).toBe('e');
    expect(versionWithAlias(numbered(versionRow('a')), 'champion')).toBeUndefined();
  });
});
