import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The console's session cookie: HttpOnly, SameSite=Strict, only sent to /console. */
export const SESSION_COOKIE = 'readmit_console';
export const SESSION_PATH = '/console';

/**
 * Signs and checks console sessions. A browser shows its API key once (POST
 * /console/api/session) and gets a cookie holding an expiry signed with a secret derived from
 * every accepted key: the key itself never sits in the cookie, gateways with the same keys
 * accept each other's sessions, and changing the keys ends every session.
 */
export class ConsoleSessions {
  private readonly secret: Buffer;

  constructor(
    keys: readonly string[],
    private readonly lifetimeMs: number,
  ) {
    const hash = createHash('sha256').update('readmit.console.session.v1');
    for (const key of [...keys].sort()) hash.update('\0').update(key, 'utf8');
    this.secret = hash.digest();
  }

  /** A token valid until now + lifetime. */
  issue(now: number): { token: string; maxAgeSeconds: number } {
    const expires = String(now + this.lifetimeMs);
    return {
      token: `${expires}.${this.sign(expires)}`,
      maxAgeSeconds: Math.floor(this.lifetimeMs / 1_000),
    };
  }

  /** Whether the token was signed here and has not expired. */
  accepts(token: string | undefined, now: number): boolean {
    if (!token) return false;
    const dot = token.indexOf('.');
    if (dot <= 0) return false;
    const expires = token.slice(0, dot);
    if (!/^\d+$/.test(expires) || Number(expires) <= now) return false;
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.sign(expires), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(expires: string): string {
    return createHmac('sha256', this.secret).update(expires).digest('base64url');
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
