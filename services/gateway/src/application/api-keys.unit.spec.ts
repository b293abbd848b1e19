import { ApiKeys } from './api-keys';

describe('ApiKeys', () => {
  const keys = new ApiKeys(['first-key-0123456789', 'second-key-0123456789']);

  it('accepts each configured key, exactly', () => {
    expect(keys.accepts('first-key-0123456789')).toBe(true);
    expect(keys.accepts('second-key-0123456789')).toBe(true);
  });

  it('refuses prefixes, extensions, other cases and the empty key', () => {
    for (const presented of [
      'first-key-012345678',
      'first-key-01234567890',
      'FIRST-KEY-0123456789',
      '',
    ])
      expect(keys.accepts(presented)).toBe(false);
  });

  it('needs at least one key', () => {
    expect(() => new ApiKeys([])).toThrow('at least one API key is needed');
  });
});
