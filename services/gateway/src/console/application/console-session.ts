import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRole, type Principal } from '@readmit/platform/auth';

/** The console's session cookie: HttpOnly, SameSite=Strict, only sent to /console. */
export const SESSION_COOKIE = 'readmit_console';
export const SESSION_PATH = '/console';

/**
 * Signs and checks console sessions. A browser shows its API key once (POST
 * /console/api/session) and gets a cookie holding the key's principal (name and roles) and an
 * expiry, signed with a secret derived from every configured key entry: the key itself never
 * sits in the cookie, gateways with the same entries accept each other's sessions, and changing
 * the entries ends every session.
 */
export class ConsoleSessions {
  private readonly secret: Buffer;

  /** `entries`: the configured API key entries as text (salted hashes, not keys). */
  constructor(
    entries: readonly string[],
    private readonly lifetimeMs: number,
  ) {
    if (entries.length === 0) {
      // No key can sign in, so no session can be issued: a secret nobody can know.
      this.secret = randomBytes(32);
      return;
    }
    const hash = createHash('sha256').update('readmit.console.session.v2');
    for (const entry of [...entries].sort()) hash.update('\0').update(entry, 'utf8');
    this.secret = hash.digest();
  }

  /** A token for `principal`, valid until now + lifetime. */
  issue(principal: Principal, now: number): { token: string; maxAgeSeconds: number } {
    const claims: SessionClaims = {
      id: principal.id,
      roles: [...principal.roles],
      exp: now + this.lifetimeMs,
    };
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return {
      token: `${payload}.${this.sign(payload)}`,
      maxAgeSeconds: Math.floor(this.lifetimeMs / 1_000),
    };
  }

  /** The principal of a token signed here that has not expired; undefined otherwise. */
  principalOf(token: string | undefined, now: number): Principal | undefined {
    if (!token) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!claims || claims.exp <= now) return undefined;
    return { id: claims.id, roles: claims.roles.filter(isRole), method: 'api-key' };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

interface SessionClaims {
  readonly id: string;
  readonly roles: string[];
  readonly exp: number;
}

function parseClaims(json: string): SessionClaims | undefined {
  try {
    const value = JSON.parse(json) as Partial<SessionClaims>;
    const valid =
      typeof value.id === 'string' &&
      Array.isArray(value.roles) &&
      value.roles.every((role) => typeof role === 'string') &&
      typeof value.exp === 'number';
    return valid ? (value as SessionClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** The value of one cookie in a Cookie header, if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The Set-Cookie header of a session (or of its removal, with maxAgeSeconds 0). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    `Path=${SESSION_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
