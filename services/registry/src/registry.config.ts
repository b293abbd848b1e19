import { DEFAULT_PROMOTION_POLICY, type PromotionPolicy } from '@readmit/ml';
import { platformEnvSchema } from '@readmit/platform';
import { z } from 'zod';

/** The registry's variables, on top of the platform's: the promotion policy. */
export const registryEnvSchema = platformEnvSchema.extend({
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
});

export type RegistryEnv = z.output<typeof registryEnvSchema>;

export function promotionPolicyOf(env: RegistryEnv): PromotionPolicy {
  return {
    mode: env.READMIT_PROMOTION_MODE,
    aucMargin: env.READMIT_PROMOTION_AUC_MARGIN,
    brierTolerance: env.READMIT_PROMOTION_BRIER_TOLERANCE,
    subgroupAucDropTolerance: env.READMIT_PROMOTION_SUBGROUP_AUC_DROP,
    minSubgroupCount: env.READMIT_PROMOTION_MIN_SUBGROUP_COUNT,
    minSubgroupClassCount: env.READMIT_PROMOTION_MIN_SUBGROUP_CLASS_COUNT,
  };
}
