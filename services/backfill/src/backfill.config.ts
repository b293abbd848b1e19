import { platformEnvSchema } from '@readmit/platform';
import { z } from 'zod';

/** The backfill service's variables, on top of the platform's. */
export const backfillEnvSchema = platformEnvSchema.extend({
  /** The model whose versions backfill requests name ('champion' is its champion). */
  READMIT_MODEL_NAME: z.string().min(1).default('readmission'),
  /**
   * Encounters per Kafka transaction: one model run and one checkpoint each. 5,000 made a
   * partition's share of predictions larger than the broker accepts in one record batch.
   */
  READMIT_BACKFILL_CHUNK: z.coerce.number().int().min(1).max(50_000).default(2_000),
  /**
   * Encounters per second when a request names no limit; 0 for none. The default leaves most
   * of a small machine to live scoring.
   */
  READMIT_BACKFILL_MAX_RATE: z.coerce.number().min(0).default(0),
  /** How long the broker keeps a crashed run's open transaction before aborting it. */
  /** Runs of one backfill that may break in a row (resuming each time) before it fails. */
  READMIT_BACKFILL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  READMIT_BACKFILL_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(10_000),
});

export type BackfillEnv = z.output<typeof backfillEnvSchema>;
