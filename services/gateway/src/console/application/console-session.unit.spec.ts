import type { Principal } from '@readmit/platform/auth';
import { ConsoleSessions, cookieValue, sessionCookie } from './console-session';

describe('console sessions', () => {
  const entries = [
    'lee:read+operate:0123456789abcdef:scrypt.16384.8.1.c2FsdHNhbHRzYWx0c2FsdA.aGFzaGhhc2g',
    'ops:admin:fedcba9876543210:scrypt.16384.8.1.b3RoZXJzYWx0b3RoZXJzYQ.b3RoZXJoYXNo',
  ];
  const hour = 3_600_000;
  const lee: Principal = { id: 'dr.lee', roles: ['read', 'operate'], method: 'api-key' };

  it('carries the signed-in principal until it expires, and never a key or an entry', () => {
    const sessions = new ConsoleSessions(entries, hour);
    const { token, maxAgeSeconds } = sessions.issue(lee, 1_000);
    expect(maxAgeSeconds).toBe(3_600);
    for (const entry of entries) expect(token).not.toContain(entry.split('.').at(-1));
    expect(sessions.principalOf(token, 1_000 + hour - 1)).toEqual(lee);
    expect(sessions.principalOf(token, 1_000 + hour)).toBeUndefined();
  });

  it('refuses forged, tampered and foreign tokens; other gateways with the same entries accept', () => {
    const sessions = new ConsoleSessions(entries, hour);
    const { token } = sessions.issue(lee, 0);
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = (change: object) =>
      `${Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url')}.${signature}`;
    expect(sessions.principalOf(forged({ roles: ['admin'] }), 0)).toBeUndefined();
    expect(sessions.principalOf(forged({ exp: claims.exp + hour }), 0)).toBeUndefined();
    expect(sessions.principalOf('garbage', 0)).toBeUndefined();
    expect(sessions.principalOf(undefined, 0)).toBeUndefined();
    expect(new ConsoleSessions(['other:read:x'], hour).principalOf(token, 0)).toBeUndefined();
    expect(new ConsoleSessions([...entries].reverse(), hour).principalOf(token, 0)).toEqual(lee);
  });

  it('without entries, accepts no token at all (its secret is random)', () => {
    const { token } = new ConsoleSessions([], hour).issue(lee, 0);
    expect(new ConsoleSessions([], hour).principalOf(token, 0)).toBeUndefined();
  });

  it('reads its cookie and writes an HttpOnly, SameSite=Strict cookie for /console', () => {
    expect(cookieValue('a=1; readmit_console=x.y; b=2', 'readmit_console')).toBe('x.y');
    expect(cookieValue(undefined, 'readmit_console')).toBeUndefined();
    expect(sessionCookie('t', 60, true)).toBe(
      'readmit_console=t; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    );
  });
});
