import type { PromotionCriterion } from '@readmit/contracts';
import { numbered, versionRow } from '../testing/version-rows';
import { aliasDeletion, describeCriterion, readmitAlias, refusedByRegistry } from './aliases';
import { MlflowRequestError } from './mlflow-error';
import { unknownEndpoint, unsupportedWrite, UNSUPPORTED_WRITES } from './unsupported';

const [v1, v2] = numbered(versionRow('v1', 'champion'), versionRow('v2', 'challenger'));

const criterion = (changes: Partial<PromotionCriterion>): PromotionCriterion => ({
  name: 'holdout_auc_margin',
  candidate: null,
  champion: null,
  threshold: null,
  passed: false,
  detail: null,
  ...changes,
});

describe('aliases as the registry’s serving roles', () => {
  it('takes champion and challenger, and refuses any other alias as not part of the state', () => {
    expect(readmitAlias('champion')).toBe('champion');
    expect(readmitAlias('challenger')).toBe('challenger');
    for (const alias of ['staging', 'Champion', 'best'])
      expect(() => readmitAlias(alias)).toThrow(
        expect.objectContaining({
          code: 'INVALID_PARAMETER_VALUE',
          message: expect.stringMatching(/champion and challenger only/),
        }),
      );
  });

  it('refuses to delete the champion alias, pointing at rollback', () => {
    const refusal = aliasDeletion('readmission', 'champion', v1);
    expect(refusal).toBeInstanceOf(MlflowRequestError);
    expect(refusal).toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect(refusal?.message).toMatch(/POST \/v1\/models\/readmission\/rollback/);
    expect(refusal?.message).toMatch(/1 \(Readmit v1\)/);
  });

  it('refuses to delete the challenger alias, pointing at reject', () => {
    expect(aliasDeletion('readmission', 'challenger', v2)?.message).toMatch(
      /\/v1\/models\/readmission\/versions\/v2\/reject/,
    );
  });

  it('deletes an alias no version holds as a no-op', () => {
    expect(aliasDeletion('readmission', 'challenger', undefined)).toBeUndefined();
  });

  it('explains a refused promotion with the failed rules and how a person may override it', () => {
    const error = refusedByRegistry(
      'readmission',
      'champion',
      v2,
      'readmission v2 failed holdout_auc_margin',
      [
        criterion({ candidate: 0.6, champion: 0.66, threshold: 0.005 }),
        criterion({ name: 'brier_tolerance', passed: true }),
        criterion({ name: 'subgroup_auc_drop', detail: 'race=AfricanAmerican lost 0.08' }),
      ],
    );
    expect(error.code).toBe('RESOURCE_CONFLICT');
    expect(error.message).toBe(
      'Readmit\'s registry refuses champion for readmission version 2 (Readmit v2): readmission v2 failed holdout_auc_margin; failed: holdout_auc_margin (candidate 0.6, champion 0.66, threshold 0.005); subgroup_auc_drop (race=AfricanAmerican lost 0.08). Nothing changed. A person may override the policy with POST /v1/models/readmission/versions/v2/promote and {"force": true} (role operate).',
    );
    expect(describeCriterion(criterion({ name: 'artifact_verified' }))).toBe('artifact_verified');
  });

  it('answers the writes Readmit does not take with FEATURE_DISABLED and the reason', () => {
    expect(Object.keys(UNSUPPORTED_WRITES)).toHaveLength(12);
    expect(unsupportedWrite('model-versions/set-tag')).toMatchObject({
      code: 'FEATURE_DISABLED',
      message: expect.stringMatching(/tags are derived from the log/),
    });
    expect(unsupportedWrite('model-versions/transition-stage').message).toMatch(/alias "champion"/);
    expect(unsupportedWrite('registered-models/create').message).toMatch(/TrainingCompleted/);
    expect(unsupportedWrite('Model-Versions/Set-Tag/').message).toMatch(/tags are derived/);
    expect(unsupportedWrite('model-versions/other').message).toMatch(/read-only but for/);
    expect(unknownEndpoint('GET', '/api/2.0/mlflow/runs/get')).toMatchObject({
      code: 'ENDPOINT_NOT_FOUND',
      message: expect.stringMatching(/Model Registry API/),
    });
  });
});
