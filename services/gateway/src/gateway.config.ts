import { hostname } from 'node:os';
import { apiKeysField } from '@readmit/platform/auth';
import { httpUrlField, platformEnvSchema } from '@readmit/platform/config';
import { pseudonymKeyField } from '@readmit/platform/privacy';
import { z } from 'zod';

/** The largest batch by default (READMIT_GATEWAY_MAX_BATCH). */
export const DEFAULT_MAX_BATCH = 100;

/** The gateway's variables, on top of the platform's. */
export const gatewayEnvSchema = platformEnvSchema.extend({
  /**
   * The API keys' entries (salted hashes, see docs/security.md): required here, where clients
   * and console users call with keys. From the environment (a secret), never the repo.
   */
  READMIT_API_KEYS: apiKeysField,
  /** The site key a request's identifiers are pseudonymised under before scoring (docs/security.md). */
  READMIT_PSEUDONYM_KEY: pseudonymKeyField,
  /** Most encounters in one `POST /v1/predictions/batch`. */
  READMIT_GATEWAY_MAX_BATCH: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_MAX_BATCH),
  /** How long a prediction waits for the scoring service before answering 503. */
  READMIT_SCORING_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** The Retry-After of a 503: when a client should try again. */
  READMIT_GATEWAY_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /** Names this instance's reply consumer group (each gateway reads every reply partition). */
  READMIT_INSTANCE_ID: z.string().min(1).default(hostname()),
  /** The registry service's REST API, which the web console reads and sends commands to. */
  READMIT_REGISTRY_URL: httpUrlField.default('http://localhost:3001'),
  /**
   * The gateway's own API key for the registry (roles read and operate; its name listed in the
   * registry's READMIT_AUTH_DELEGATES, so console decisions are recorded as the signed-in
   * person's). A key, not an entry: a secret. Unset, the console cannot reach the registry.
   */
  READMIT_REGISTRY_API_KEY: z.string().min(1).optional(),
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
