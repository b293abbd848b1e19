import { hostname } from 'node:os';
import { httpUrlField, platformEnvSchema } from '@readmit/platform/config';
import { z } from 'zod';

/** Shorter keys are too easy to guess; generate them, e.g. `openssl rand -hex 32`. */
export const MIN_API_KEY_LENGTH = 16;

/**
 * Comma-separated API keys. Messages name keys by position only: a key must never reach a log,
 * and a configuration error is logged.
 */
const apiKeysField = z.string().transform((raw, ctx) => {
  const keys = raw
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must list at least one API key' });
    return z.NEVER;
  }
  keys.forEach((key, index) => {
    if (key.length < MIN_API_KEY_LENGTH)
      ctx.addIssue({
        code: 'custom',
        message: `key ${index + 1} is shorter than ${MIN_API_KEY_LENGTH} characters`,
      });
  });
  return keys;
});

/** The gateway's variables, on top of the platform's. */
export const gatewayEnvSchema = platformEnvSchema.extend({
  /** The keys clients send in `x-api-key`. From the environment (a secret), never the repo. */
  READMIT_API_KEYS: apiKeysField,
  /** Most encounters in one `POST /v1/predictions/batch`. */
  READMIT_GATEWAY_MAX_BATCH: z.coerce.number().int().min(1).max(1_000).default(100),
  /** How long a prediction waits for the scoring service before answering 503. */
  READMIT_SCORING_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** The Retry-After of a 503: when a client should try again. */
  READMIT_GATEWAY_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /** Names this instance's reply consumer group (each gateway reads every reply partition). */
  READMIT_INSTANCE_ID: z.string().min(1).default(hostname()),
  /** The registry service's REST API, which the web console reads and sends commands to. */
  READMIT_REGISTRY_URL: httpUrlField.default('http://localhost:3001'),
  /** How long a console sign-in lasts. */
  READMIT_CONSOLE_SESSION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(8),
  /** Consumer groups whose lag the console's live view shows (scoped to the topic prefix). */
  READMIT_CONSOLE_LAG_GROUPS: z
    .string()
    .default('readmit-scoring,readmit-monitor')
    .transform((raw) =>
      raw
        .split(',')
        .map((group) => group.trim())
        .filter((group) => group.length > 0),
    ),
});

export type GatewayEnv = z.output<typeof gatewayEnvSchema>;
