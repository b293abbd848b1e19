import { z } from 'zod';
import { httpUrlField } from '../config/config-fields';
import { parseEntry, type ApiKeyEntry } from './api-key-format';
import { PRINCIPAL_NAME } from './principal';

/**
 * READMIT_API_KEYS: comma-separated entries (see api-key-format.ts). Problems name entries by
 * position, never by their text: a plain key pasted here must not reach a log.
 */
export const apiKeysField = z.string().transform((raw, ctx) => {
  const texts = raw
    .split(',')
    .map((text) => text.trim())
    .filter((text) => text.length > 0);
  if (texts.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must list at least one API key entry' });
    return z.NEVER;
  }
  const entries: ApiKeyEntry[] = [];
  texts.forEach((text, index) => {
    const parsed = parseEntry(text, index + 1);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
    else if (entries.some((entry) => entry.keyId === parsed.entry.keyId))
      ctx.addIssue({
        code: 'custom',
        message: `entry ${index + 1} (${parsed.entry.name}) repeats the key id of an earlier entry`,
      });
    else entries.push(parsed.entry);
  });
  return entries;
});

/** A dotted path into a token's claims, e.g. `roles` or `realm_access.roles`. */
const claimPathField = z
  .string()
  .regex(/^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/, 'must be a claim name or a dotted path');

/** The variables of authentication, part of every service's environment. */
export const authEnvShape = {
  /** API key entries (salted scrypt hashes, never keys): `readmit keys create` prints one. */
  READMIT_API_KEYS: apiKeysField.optional(),
  /** An OIDC issuer whose bearer tokens are accepted (its `iss`); unset: API keys only. */
  READMIT_OIDC_ISSUER: z.string().url('must be the issuer URL').optional(),
  /** The `aud` a token must carry to be accepted here. */
  READMIT_OIDC_AUDIENCE: z.string().min(1).optional(),
  /** The issuer's JSON Web Key Set (its `jwks_uri`). */
  READMIT_OIDC_JWKS_URL: httpUrlField.optional(),
  /** The claim roles are read from: an array of role names or a space-separated string. */
  READMIT_OIDC_ROLES_CLAIM: claimPathField.default('roles'),
  /** The claim that names the principal (recorded on its decisions). */
  READMIT_OIDC_NAME_CLAIM: claimPathField.default('sub'),
  /**
   * Principals (API key names, token subjects) trusted to act for a person they authenticated
   * themselves, in the x-readmit-on-behalf-of header: the gateway's console key, for instance.
   */
  READMIT_AUTH_DELEGATES: z
    .string()
    .default('')
    .transform((raw, ctx) => {
      const names = raw
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name.length > 0);
      for (const name of names)
        if (!PRINCIPAL_NAME.test(name))
          ctx.addIssue({ code: 'custom', message: `'${name}' is not a principal name` });
      return names;
    }),
};

type AuthEnv = z.output<z.ZodObject<typeof authEnvShape>>;

export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly rolesClaim: string;
  readonly nameClaim: string;
}

export interface AuthConfig {
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly oidc?: OidcConfig;
  readonly delegates: readonly string[];
}

/** The auth settings, or the problems of an OIDC configuration that is half there. */
export function toAuthConfig(env: AuthEnv): { config: AuthConfig } | { problems: string[] } {
  const base = { apiKeys: env.READMIT_API_KEYS ?? [], delegates: env.READMIT_AUTH_DELEGATES };
  const { READMIT_OIDC_ISSUER: issuer, READMIT_OIDC_AUDIENCE: audience } = env;
  const jwksUrl = env.READMIT_OIDC_JWKS_URL;
  if (issuer === undefined) {
    const stray = (['READMIT_OIDC_AUDIENCE', 'READMIT_OIDC_JWKS_URL'] as const).filter(
      (name) => env[name] !== undefined,
    );
    return stray.length === 0
      ? { config: base }
      : { problems: stray.map((name) => `${name}: is set but READMIT_OIDC_ISSUER is not`) };
  }
  const problems = [
    ...(audience === undefined
      ? ['READMIT_OIDC_AUDIENCE: is required when READMIT_OIDC_ISSUER is set']
      : []),
    ...(jwksUrl === undefined
      ? [
          "READMIT_OIDC_JWKS_URL: is required when READMIT_OIDC_ISSUER is set (the issuer's jwks_uri, in <issuer>/.well-known/openid-configuration)",
        ]
      : []),
  ];
  if (audience === undefined || jwksUrl === undefined) return { problems };
  return {
    config: {
      ...base,
      oidc: {
        issuer,
        audience,
        jwksUrl,
        rolesClaim: env.READMIT_OIDC_ROLES_CLAIM,
        nameClaim: env.READMIT_OIDC_NAME_CLAIM,
      },
    },
  };
}
