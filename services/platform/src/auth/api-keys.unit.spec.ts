import {
  formatEntry,
  generateApiKey,
  keyIdOf,
  parseEntry,
  type ApiKeyEntry,
  type ScryptHash,
} from './api-key-format';
import { createApiKey, entryForKey, matchesHash } from './api-key-hashing';
import { ApiKeyVerifier } from './api-key-verifier';

const entryOf = (text: string): ApiKeyEntry => {
  const parsed = parseEntry(text, 1);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.entry;
};

/** The real scrypt check, counting its calls. */
function countingScrypt() {
  let calls = 0;
  return {
    matches: (presented: string, stored: ScryptHash) => {
      calls += 1;
      return matchesHash(presented, stored);
    },
    calls: () => calls,
  };
}

/** The problem of an entry that does not parse. */
const problemOf = (text: string, position = 3): string => {
  const parsed = parseEntry(text, position);
  if (parsed.ok) throw new Error('parsed');
  return parsed.problem;
};

describe('API keys: format', () => {
  it('generates rk_<id>_<secret> keys whose public id names their entry', () => {
    const { key, keyId } = generateApiKey();
    expect(key).toMatch(/^rk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(keyIdOf(key)).toBe(keyId);
    expect(generateApiKey().key).not.toBe(key);
    for (const other of [
      '',
      'rk_short_x',
      `${key}x`,
      key.replace('rk_', 'rx_'),
      'plain-key-0123456789',
    ])
      expect(keyIdOf(other)).toBeUndefined();
  });

  it('formats and parses an entry: name, roles, key id and the scrypt hash with its cost', () => {
    const entry: ApiKeyEntry = {
      name: 'dr.lee@hospital.example',
      roles: ['read', 'operate'],
      keyId: '0123456789abcdef',
      scrypt: { N: 32_768, r: 8, p: 2, salt: Buffer.alloc(16, 7), hash: Buffer.alloc(32, 9) },
    };
    const text = formatEntry(entry);
    expect(text).toMatch(
      /^dr\.lee@hospital\.example:read\+operate:0123456789abcdef:scrypt\.32768\.8\.2\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/,
    );
    expect(text).not.toMatch(/[$,\s]/);
    expect(entryOf(text)).toEqual(entry);
  });

  it('refuses plain keys, saying how to hash them, and never quotes them', () => {
    const { key } = generateApiKey();
    for (const plain of [key, 'my-old-gateway-key-0123456789']) {
      const problem = problemOf(plain);
      expect(problem).toMatch(/^entry 3 is a plain key: keys are stored only as salted hashes/);
      expect(problem).toContain('readmit keys create --name <name> --roles <roles>');
      expect(problem).toContain('readmit keys hash');
      expect(problem).not.toContain(plain);
    }
  });

  it.each([
    ['a:b:c', /^entry 3 is not <name>:<role>\+<role>:<key id>:scrypt/],
    [
      `bad name:read:0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      /the name must be/,
    ],
    [
      `app:read+root:0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      /^entry 3 \(app\): unknown role 'root' \(roles: predict, ingest, read, operate, admin\)$/,
    ],
    [
      `app::0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      /app\): no role/,
    ],
    [
      `app:read:XYZ:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      /key id must be 16 hex digits/,
    ],
    [`app:read:0123456789abcdef:sha256.${'B'.repeat(43)}`, /the hash must be scrypt\./],
    [
      `app:read:0123456789abcdef:scrypt.1024.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      /scrypt N must be a power of two from 16384/,
    ],
    [
      `app:read:0123456789abcdef:scrypt.20000.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
      /scrypt N must be a power of two/,
    ],
    [
      `app:read:0123456789abcdef:scrypt.16384.8.1.AAAA.${'B'.repeat(43)}`,
      /salt must be at least 16 bytes/,
    ],
    [`app:read:0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.BBBB`, /hash must be 32 bytes/],
  ])('refuses the malformed entry %p with a clear problem', (text, problem) => {
    expect(problemOf(text)).toMatch(problem);
  });
});

describe('API keys: hashing and verification', () => {
  it('creates a key and an entry that accepts exactly that key (salted: two hashes differ)', async () => {
    const { key, entry } = await createApiKey('ci-uploader', ['ingest', 'read']);
    const parsed = entryOf(entry);
    expect(parsed).toMatchObject({
      name: 'ci-uploader',
      roles: ['ingest', 'read'],
      keyId: keyIdOf(key),
    });
    // The secret is everything after `rk_<16 hex>_`; it may itself hold '_' (base64url).
    const secret = key.slice('rk_'.length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(entry).not.toContain(secret);
    expect(await matchesHash(key, parsed.scrypt)).toBe(true);
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await matchesHash(tampered, parsed.scrypt)).toBe(false);
    const again = entryOf(await entryForKey(key, 'ci-uploader', ['ingest', 'read']));
    expect(again.scrypt.salt.equals(parsed.scrypt.salt)).toBe(false);
    expect(await matchesHash(key, again.scrypt)).toBe(true);
  });

  it('hashes only rk_ keys under a valid name', async () => {
    await expect(entryForKey('plain-key-0123456789', 'app', ['read'])).rejects.toThrow(
      'not a Readmit API key',
    );
    await expect(entryForKey(generateApiKey().key, 'a:b', ['read'])).rejects.toThrow('the name');
  });

  it('verifies a key with scrypt once, then by its digest; concurrent first uses share one scrypt', async () => {
    const { key, entry } = await createApiKey('app', ['predict']);
    const scrypt = countingScrypt();
    const verifier = new ApiKeyVerifier([entryOf(entry)], { matches: scrypt.matches });
    const first = await Promise.all([verifier.verify(key), verifier.verify(key)]);
    expect(first).toEqual([
      { id: 'app', roles: ['predict'], method: 'api-key' },
      { id: 'app', roles: ['predict'], method: 'api-key' },
    ]);
    expect(scrypt.calls()).toBe(1);
    for (let i = 0; i < 50; i++) await verifier.verify(key);
    expect(scrypt.calls()).toBe(1);
  });

  it('refuses other keys: a wrong secret (checked once, then remembered as refused), an unknown id or a malformed key (no scrypt)', async () => {
    const { key, entry } = await createApiKey('app', ['predict']);
    const scrypt = countingScrypt();
    const verifier = new ApiKeyVerifier([entryOf(entry)], { matches: scrypt.matches });
    const wrongSecret = `${key.slice(0, 20)}${generateApiKey().key.slice(20)}`;
    expect(await verifier.verify(wrongSecret)).toBeUndefined();
    expect(await verifier.verify(wrongSecret)).toBeUndefined();
    expect(scrypt.calls()).toBe(1);
    expect(await verifier.verify(generateApiKey().key)).toBeUndefined();
    expect(await verifier.verify('not-a-key')).toBeUndefined();
    expect(await verifier.verify('')).toBeUndefined();
    expect(scrypt.calls()).toBe(1);
    // The right key still passes.
    expect((await verifier.verify(key)) !== undefined).toBe(true);
  });

  it('runs a bounded number of scrypt checks at once and answers busy beyond them', async () => {
    const { key, entry } = await createApiKey('app', ['predict']);
    const release: Array<() => void> = [];
    const verifier = new ApiKeyVerifier([entryOf(entry)], {
      maxConcurrentChecks: 2,
      matches: () => new Promise<boolean>((resolve) => release.push(() => resolve(false))),
    });
    const wrong = () => `${key.slice(0, 20)}${generateApiKey().key.slice(20)}`;
    const checks = [verifier.verify(wrong()), verifier.verify(wrong())];
    expect(await verifier.verify(wrong())).toBe('busy');
    release.forEach((done) => done());
    expect(await Promise.all(checks)).toEqual([undefined, undefined]);
    // Room again once they are done.
    const next = verifier.verify(wrong());
    release.at(-1)?.();
    release.forEach((done) => done());
    expect(await next).toBeUndefined();
  });

  it('remembers a bounded number of keys, forgetting the oldest first', async () => {
    const keys = await Promise.all(['a', 'b', 'c'].map((name) => createApiKey(name, ['read'])));
    const scrypt = countingScrypt();
    const verifier = new ApiKeyVerifier(
      keys.map(({ entry }) => entryOf(entry)),
      { maxRemembered: 2, matches: scrypt.matches },
    );
    for (const { key } of keys) await verifier.verify(key);
    expect(scrypt.calls()).toBe(3);
    await verifier.verify(keys[2].key); // remembered
    await verifier.verify(keys[1].key); // remembered
    expect(scrypt.calls()).toBe(3);
    expect(await verifier.verify(keys[0].key)).toMatchObject({ id: 'a' }); // forgotten: scrypt again
    expect(scrypt.calls()).toBe(4);
  });
});
