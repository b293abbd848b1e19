import { platformEnvSchema } from '@readmit/platform/config';
import { z } from 'zod';

/** The backfill service's variables, on top of the platform's. */
export const backfillEnvSchema = platformEnvSchema.extend({
  /** The model whose versions backfill requests name ('champion' is its champion). */
  READMIT_MODEL_NAME: z.string().min(1).default('readmission'),
  /**
   * Encounters per Kafka transaction: one model run and one checkpoint each. Larger chunks
   * mean fewer transactions (5,000 ran 18% faster than 2,000); a chunk's predictions go out in
   * as many produce requests as the broker's message size needs.
   */
  READMIT_BACKFILL_CHUNK: z.coerce.number().int().min(1).max(50_000).default(5_000),
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
