import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OidcConfig } from './auth-config';
import type { Authentication } from './credentials';
import { isRole, type Role } from './roles';

/** Failures that are the token's fault (401); any other failure is the issuer's (503). */
const TOKEN_FAULTS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/**
 * Public-key signatures only: a token signed with a shared secret (HS256) or none is refused,
 * whatever key the key set (or a confused key lookup) offers.
 */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/**
 * Verifies OIDC bearer tokens (JWTs) with `jose` against the issuer's JSON Web Key Set, fetched
 * and cached by createRemoteJWKSet (refetched when a token names a key it does not know, so the
 * issuer can rotate its keys): signature, `iss`, `aud`, `exp` and `nbf`. The principal is named
 * by the configured claim (`sub` by default) and holds the roles of the roles claim that Readmit
 * knows; other values in it are ignored.
 */
export class OidcVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly config: OidcConfig,
    keys?: JWTVerifyGetKey,
  ) {
    this.keys = keys ?? createRemoteJWKSet(new URL(config.jwksUrl));
  }

  async verify(token: string): Promise<Authentication> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALGORITHMS,
      }));
    } catch (error) {
      return { refused: refusalOf(error) };
    }
    const name = claimAt(payload, this.config.nameClaim);
    // Subjects may be any visible text (not only PRINCIPAL_NAME): UUIDs, e-mail addresses, URLs.
    if (typeof name !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(name))
      return {
        refused: {
          status: 401,
          message: `the bearer token has no usable ${this.config.nameClaim} claim`,
        },
      };
    return {
      principal: {
        id: name,
        roles: rolesIn(claimAt(payload, this.config.rolesClaim)),
        method: 'oidc',
      },
    };
  }
}

function refusalOf(error: unknown): { status: 401 | 503; message: string } {
  if (!(error instanceof errors.JOSEError) || !TOKEN_FAULTS.has(error.code))
    return {
      status: 503,
      message: "bearer tokens cannot be checked now: the issuer's keys are unavailable",
    };
  if (error instanceof errors.JWTExpired)
    return { status: 401, message: 'the bearer token has expired' };
  if (error instanceof errors.JWTClaimValidationFailed && /^[a-z]{2,5}$/.test(error.claim))
    return { status: 401, message: `the bearer token's ${error.claim} claim is not accepted` };
  return { status: 401, message: 'the bearer token is not accepted' };
}

/** The value at a dotted claim path (`realm_access.roles`). */
function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function rolesIn(claim: unknown): Role[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
  return [
    ...new Set(values.filter((value): value is Role => typeof value === 'string' && isRole(value))),
  ];
}
