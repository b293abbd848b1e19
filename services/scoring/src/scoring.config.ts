import { hostname } from 'node:os';
import { platformEnvSchema } from '@readmit/platform/config';
import { z } from 'zod';

/** The scoring service's variables, on top of the platform's. */
export const scoringEnvSchema = platformEnvSchema.extend({
  /** The model whose champion (and challenger) this service serves. */
  READMIT_MODEL_NAME: z.string().min(1).default('readmission'),
  /** Encounters per micro-batch and Kafka transaction. */
  READMIT_SCORING_BATCH: z.coerce.number().int().min(1).max(10_000).default(2_000),
  /** Most contributing features returned per prediction when a request asks to explain. */
  READMIT_TOP_CONTRIBUTIONS: z.coerce.number().int().min(1).max(50).default(5),
  /**
   * Stable per instance and unique in the deployment: names the transactional id (a restart
   * fences its predecessor) and the static group membership (a restart takes its partitions
   * back at once).
   */
  READMIT_INSTANCE_ID: z.string().min(1).default(hostname()),
  /**
   * How long the scoring group waits for a silent instance before handing its partitions to
   * the others (Kafka's group.min.session.timeout.ms, 6 s by default, is the floor).
   */
  READMIT_SCORING_SESSION_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(6_000)
    .max(300_000)
    .default(10_000),
});

export type ScoringEnv = z.output<typeof scoringEnvSchema>;
