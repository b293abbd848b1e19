import type { DriftSeverity, ReadmissionTask } from '@readmit/contracts';
// The trainer's search space, so a misspelt candidate stops the registry at start-up instead of
// failing every retraining run it requests.
import { SEARCH_SPACE } from '@readmit/ml';
import { apiKeysField } from '@readmit/platform/auth';
import { booleanField, platformEnvSchema } from '@readmit/platform/config';
import { z } from 'zod';
import { DEFAULT_PROMOTION_POLICY, type PromotionPolicy } from './domain/promotion-policy';
import {
  DEFAULT_RETRAINING_POLICY,
  type RetrainingPolicyConfig,
} from './orchestration/domain/retraining-policy';

/** A duration in milliseconds, 0 or more. */
const millisecondsField = z.coerce
  .number({ message: 'must be a duration in milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(0, 'must be 0 or more');

/** A duration in milliseconds, or `none` (null): HIGH drift gets no shorter cooldown. */
const optionalMillisecondsField = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    if (raw.toLowerCase() === 'none') return null;
    const value = Number(raw);
    if (raw === '' || !Number.isInteger(value) || value < 0) {
      ctx.addIssue({
        code: 'custom',
        message: "must be a duration in milliseconds (0 or more) or 'none'",
      });
      return z.NEVER;
    }
    return value;
  });

/** The trainer's task values, also in the CLI's spelling (`any`, `within-30-days`). */
const TASK_NAMES: Readonly<Record<string, ReadmissionTask>> = {
  ANY_READMISSION: 'ANY_READMISSION',
  WITHIN_30_DAYS: 'WITHIN_30_DAYS',
  any: 'ANY_READMISSION',
  'within-30-days': 'WITHIN_30_DAYS',
};

const taskField = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const task = TASK_NAMES[raw];
    if (task === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `'${raw}' is not a task: ${Object.keys(TASK_NAMES).join(', ')}`,
      });
      return z.NEVER;
    }
    return task;
  });

/** Comma-separated algorithm names the trainer knows; empty means the trainer's whole search. */
const candidatesField = z.string().transform((raw, ctx) => {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const unknown = names.filter((name) => !Object.hasOwn(SEARCH_SPACE, name));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown candidate ${unknown.join(', ')}; known: ${Object.keys(SEARCH_SPACE).join(', ')}`,
    });
    return z.NEVER;
  }
  return [...new Set(names)];
});

const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH'] as const satisfies readonly DriftSeverity[];

/** The registry's variables, on top of the platform's: the promotion policy. */
export const registryEnvSchema = platformEnvSchema.extend({
  /** API key entries: required, every /v1 route needs a role (docs/security.md). */
  READMIT_API_KEYS: apiKeysField,
  /** automatic: the policy promotes; manual: passing versions become challenger and wait for a person. */
  READMIT_PROMOTION_MODE: z.enum(['automatic', 'manual']).default(DEFAULT_PROMOTION_POLICY.mode),
  /** A candidate's holdout ROC-AUC must beat the champion's by at least this much. */
  READMIT_PROMOTION_AUC_MARGIN: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_PROMOTION_POLICY.aucMargin),
  /** How much worse the candidate's Brier score may be. */
  READMIT_PROMOTION_BRIER_TOLERANCE: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_PROMOTION_POLICY.brierTolerance),
  /** How much ROC-AUC any race, gender or age-band subgroup may lose. */
  READMIT_PROMOTION_SUBGROUP_AUC_DROP: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(DEFAULT_PROMOTION_POLICY.subgroupAucDropTolerance),
  /** Subgroups with fewer holdout rows are not judged. */
  READMIT_PROMOTION_MIN_SUBGROUP_COUNT: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_PROMOTION_POLICY.minSubgroupCount),
  /** Subgroups with fewer positives (or negatives) on the holdout are not judged either. */
  READMIT_PROMOTION_MIN_SUBGROUP_CLASS_COUNT: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_PROMOTION_POLICY.minSubgroupClassCount),

  // The retraining orchestrator (services/registry/src/orchestration): one model per service.
  /** Turns BatchArrived and DriftDetected into TrainingRequested; false leaves retraining to people. */
  READMIT_ORCHESTRATOR_ENABLED: booleanField.default(true),
  /** The model the orchestrator retrains (the registry itself judges every model). */
  READMIT_MODEL_NAME: z.string().min(1).default('readmission'),
  /** How long to gather signals once a retrain is warranted. */
  READMIT_RETRAIN_DEBOUNCE_MS: millisecondsField.default(DEFAULT_RETRAINING_POLICY.debounceMs),
  /** Minimum time between two requests. */
  READMIT_RETRAIN_COOLDOWN_MS: millisecondsField.default(DEFAULT_RETRAINING_POLICY.cooldownMs),
  /** The cooldown when HIGH drift is pending (0 bypasses it), or `none`: HIGH drift waits too. */
  READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS: optionalMillisecondsField.default(
    DEFAULT_RETRAINING_POLICY.highSeverityCooldownMs,
  ),
  /** A retrain every N batches (1: every batch); drift retrains whatever the count. */
  READMIT_RETRAIN_BATCHES_PER_RETRAIN: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_RETRAINING_POLICY.batchesPerRetrain),
  /** Drift below this severity does not retrain. */
  READMIT_RETRAIN_MIN_DRIFT_SEVERITY: z
    .enum(SEVERITIES)
    .default(DEFAULT_RETRAINING_POLICY.minimumDriftSeverity),
  /** A run without TrainingCompleted or TrainingFailed after this long is presumed lost. */
  READMIT_RETRAIN_RUN_TIMEOUT_MS: millisecondsField
    .min(1, 'must be more than 0')
    .default(DEFAULT_RETRAINING_POLICY.runTimeoutMs),
  /** The target of the requested runs. */
  READMIT_RETRAIN_TASK: taskField.default('ANY_READMISSION'),
  /** Algorithms the requested runs try; empty: every algorithm the trainer knows. */
  READMIT_RETRAIN_CANDIDATES: candidatesField.default([]),
});

export type RegistryEnv = z.output<typeof registryEnvSchema>;

/** The policy of a registry environment; the CLI reads it without the service's API keys. */
export function promotionPolicyOf(env: Omit<RegistryEnv, 'READMIT_API_KEYS'>): PromotionPolicy {
  return {
    mode: env.READMIT_PROMOTION_MODE,
    aucMargin: env.READMIT_PROMOTION_AUC_MARGIN,
    brierTolerance: env.READMIT_PROMOTION_BRIER_TOLERANCE,
    subgroupAucDropTolerance: env.READMIT_PROMOTION_SUBGROUP_AUC_DROP,
    minSubgroupCount: env.READMIT_PROMOTION_MIN_SUBGROUP_COUNT,
    minSubgroupClassCount: env.READMIT_PROMOTION_MIN_SUBGROUP_CLASS_COUNT,
  };
}

export function retrainingPolicyOf(env: RegistryEnv): RetrainingPolicyConfig {
  return {
    debounceMs: env.READMIT_RETRAIN_DEBOUNCE_MS,
    cooldownMs: env.READMIT_RETRAIN_COOLDOWN_MS,
    highSeverityCooldownMs: env.READMIT_RETRAIN_HIGH_SEVERITY_COOLDOWN_MS,
    batchesPerRetrain: env.READMIT_RETRAIN_BATCHES_PER_RETRAIN,
    minimumDriftSeverity: env.READMIT_RETRAIN_MIN_DRIFT_SEVERITY,
    runTimeoutMs: env.READMIT_RETRAIN_RUN_TIMEOUT_MS,
  };
}

/** What the retraining orchestrator needs from the environment. */
export interface OrchestratorSettings {
  readonly enabled: boolean;
  readonly modelName: string;
  readonly task: ReadmissionTask;
  readonly candidates: readonly string[];
  readonly policy: RetrainingPolicyConfig;
}

export function orchestratorSettingsOf(env: RegistryEnv): OrchestratorSettings {
  return {
    enabled: env.READMIT_ORCHESTRATOR_ENABLED,
    modelName: env.READMIT_MODEL_NAME,
    task: env.READMIT_RETRAIN_TASK,
    candidates: env.READMIT_RETRAIN_CANDIDATES,
    policy: retrainingPolicyOf(env),
  };
}
