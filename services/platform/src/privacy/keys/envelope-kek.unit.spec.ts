import { randomBytes } from 'node:crypto';
import { EnvelopeKeyEncryptionKey } from './envelope-kek';
import { KeyUnwrapError } from './key-encryption-key';

describe('a local key-encryption key (AWS Encryption SDK, raw AES keyring)', () => {
  const kek = EnvelopeKeyEncryptionKey.local(randomBytes(32));
  const context = { patient: 'pat_WqgcxhOw611n1E5WV6Ju7Q', purpose: 'patient-data' };

  it('wraps a data key so only it, with the same context, unwraps it', async () => {
    const dataKey = randomBytes(32);
    const wrapped = await kek.wrap(dataKey, context);
    expect(wrapped.includes(dataKey)).toBe(false);
    expect(Buffer.from(await kek.unwrap(wrapped, context))).toEqual(dataKey);
  });

  it('refuses another patient’s context', async () => {
    const wrapped = await kek.wrap(randomBytes(32), context);
    await expect(
      kek.unwrap(wrapped, { ...context, patient: 'pat_AAAAAAAAAAAAAAAAAAAAAA' }),
    ).rejects.toThrow(new KeyUnwrapError('it was wrapped for another patient'));
  });

  it('refuses a wrapped key made under another KEK', async () => {
    const other = EnvelopeKeyEncryptionKey.local(randomBytes(32));
    const wrapped = await other.wrap(randomBytes(32), context);
    await expect(kek.unwrap(wrapped, context)).rejects.toBeInstanceOf(KeyUnwrapError);
  });

  it('refuses a tampered wrapped key', async () => {
    const wrapped = await kek.wrap(randomBytes(32), context);
    wrapped[wrapped.length - 20] ^= 0x01;
    await expect(kek.unwrap(wrapped, context)).rejects.toBeInstanceOf(KeyUnwrapError);
  });

  it('names itself by a fingerprint of its key, never the key', () => {
    const key = randomBytes(32);
    const named = EnvelopeKeyEncryptionKey.local(key);
    expect(named.id).toMatch(/^local:[0-9a-f]{16}$/);
    expect(named.id).not.toContain(key.toString('hex').slice(0, 16));
    expect(EnvelopeKeyEncryptionKey.local(key).id).toBe(named.id);
    expect(() => EnvelopeKeyEncryptionKey.local(randomBytes(16))).toThrow(
      'a local KEK is 32 bytes, not 16',
    );
  });
});
