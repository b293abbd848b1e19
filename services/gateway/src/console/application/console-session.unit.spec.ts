import { ConsoleSessions, cookieValue, sessionCookie } from './console-session';

describe('console sessions', () => {
  const keys = ['first-key-0123456789', 'second-key-0123456789'];
  const hour = 3_600_000;

  it('accepts its own tokens until they expire, and never carries a key', () => {
    const sessions = new ConsoleSessions(keys, hour);
    const { token, maxAgeSeconds } = sessions.issue(1_000);
    expect(maxAgeSeconds).toBe(3_600);
    for (const key of keys) expect(token).not.toContain(key);
    expect(sessions.accepts(token, 1_000 + hour - 1)).toBe(true);
    expect(sessions.accepts(token, 1_000 + hour)).toBe(false);
  });

  it('refuses forged, tampered and foreign tokens; other gateways with the same keys accept', () => {
    const sessions = new ConsoleSessions(keys, hour);
    const { token } = sessions.issue(0);
    const [expires, signature] = token.split('.');
    expect(sessions.accepts(`${Number(expires) + hour}.${signature}`, 0)).toBe(false);
    expect(sessions.accepts('garbage', 0)).toBe(false);
    expect(sessions.accepts(undefined, 0)).toBe(false);
    expect(new ConsoleSessions(['another-key-0123456789'], hour).accepts(token, 0)).toBe(false);
    expect(new ConsoleSessions([...keys].reverse(), hour).accepts(token, 0)).toBe(true);
  });

  it('reads its cookie and writes an HttpOnly, SameSite=Strict cookie for /console', () => {
    expect(cookieValue('a=1; readmit_console=x.y; b=2', 'readmit_console')).toBe('x.y');
    expect(cookieValue(undefined, 'readmit_console')).toBeUndefined();
    expect(sessionCookie('t', 60, true)).toBe(
      'readmit_console=t; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict; Secure',
    );
  });
});
