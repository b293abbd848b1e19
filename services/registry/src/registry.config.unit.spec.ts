import { loadConfig } from '@readmit/platform/config';
import { DEFAULT_RETRAINING_POLICY } from './orchestration/domain/retraining-policy';
import { orchestratorSettingsOf, registryEnvSchema, retrainingPolicyOf } from './registry.config';

/** A well-formed API key entry, which the registry requires (not the key of any test). */
const KEYS = `ops:operate:0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`;
const load = (env: Record<string, string>) =>
  loadConfig('registry', registryEnvSchema, { READMIT_API_KEYS: KEYS, ...env });

describe('registry configuration: the retraining orchestrator', () => {
  it('defaults to the retraining policy defaults, on, for the readmission model', () => {
    const env = load({});
    expect(retrainingPolicyOf(env)).toEqual(DEFAULT_RETRAINING_POLICY);
    expect(orchestratorSettingsOf(env)).toEqual({
      enabled: true,
      modelName: 'readmission',
      task: 'ANY_READMISSION',
      candidates: [],
      policy: DEFAULT_RETRAINING_POLICY,
    });
  });

  it('reads every setting', () => {
    const env = load({
      READMIT_ORCHESTRATOR_ENABLED: 'false',
      READMIT_MODEL_NAME: 'readmission-30d',
      READMIT_RETRAIN_DEBOUNCE_MS: '1500',
      READMIT_RETRAIN_COOLDOWN_MS: '0',
      READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: 'none',
      READMIT_RETRAIN_BATCHES_PER_RETRAIN: '3',
      READMIT_RETRAIN_MIN_DRIFT_SEVERITY: 'MEDIUM',
      READMIT_RETRAIN_RUN_TIMEOUT_MS: '600000',
      READMIT_RETRAIN_TASK: 'WITHIN_30_DAYS',
      READMIT_RETRAIN_CANDIDATES: ' gbdt, logistic_regression ,gbdt,',
    });
    expect(orchestratorSettingsOf(env)).toEqual({
      enabled: false,
      modelName: 'readmission-30d',
      task: 'WITHIN_30_DAYS',
      candidates: ['gbdt', 'logistic_regression'],
      policy: {
        debounceMs: 1_500,
        cooldownMs: 0,
        highSeverityCooldownMs: null,
        batchesPerRetrain: 3,
        minimumDriftSeverity: 'MEDIUM',
        runTimeoutMs: 600_000,
      },
    });
  });

  it("takes the CLI's task spellings and a number for the HIGH drift cooldown", () => {
    expect(load({ READMIT_RETRAIN_TASK: 'within-30-days' }).READMIT_RETRAIN_TASK).toBe(
      'WITHIN_30_DAYS',
    );
    expect(load({ READMIT_RETRAIN_TASK: 'any' }).READMIT_RETRAIN_TASK).toBe('ANY_READMISSION');
    expect(
      load({ READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: '0' })
        .READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS,
    ).toBe(0);
    expect(load({ READMIT_RETRAIN_CANDIDATES: '' }).READMIT_RETRAIN_CANDIDATES).toEqual([]);
  });

  it('refuses bad values, naming each variable', () => {
    let message = '';
    try {
      load({
        READMIT_RETRAIN_DEBOUNCE_MS: '-1',
        READMIT_RETRAIN_COOLDOWN_MS: 'an hour',
        READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: 'never',
        READMIT_RETRAIN_BATCHES_PER_RETRAIN: '0',
        READMIT_RETRAIN_MIN_DRIFT_SEVERITY: 'SEVERE',
        READMIT_RETRAIN_RUN_TIMEOUT_MS: '0',
        READMIT_RETRAIN_TASK: 'thirty-days',
        READMIT_RETRAIN_CANDIDATES: 'gbdt,xgboost',
        READMIT_ORCHESTRATOR_ENABLED: 'maybe',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const expected of [
      'READMIT_RETRAIN_DEBOUNCE_MS: must be 0 or more',
      'READMIT_RETRAIN_COOLDOWN_MS: ',
      "READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: must be a duration in milliseconds (0 or more) or 'none'",
      'READMIT_RETRAIN_BATCHES_PER_RETRAIN: ',
      'READMIT_RETRAIN_MIN_DRIFT_SEVERITY: ',
      'READMIT_RETRAIN_RUN_TIMEOUT_MS: must be more than 0',
      "READMIT_RETRAIN_TASK: 'thirty-days' is not a task",
      'READMIT_RETRAIN_CANDIDATES: unknown candidate xgboost; known: logistic_regression, gbdt',
      'READMIT_ORCHESTRATOR_ENABLED: must be true or false',
    ])
      expect(message).toContain(expected);
  });
});
