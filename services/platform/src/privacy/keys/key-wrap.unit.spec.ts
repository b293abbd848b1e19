import { createCipheriv, randomBytes } from 'node:crypto';
import { open, seal, SealError } from './field-sealer';
import { KeyWrapError, unwrapKey, wrapKey } from './key-wrap';

describe('AES key wrap (RFC 5649)', () => {
  it('wraps a key under another and gives it back', () => {
    const wrapping = randomBytes(32);
    const key = randomBytes(32);
    const wrapped = wrapKey(wrapping, key);
    expect(wrapped).toHaveLength(40);
    expect(wrapped.includes(key)).toBe(false);
    expect(unwrapKey(wrapping, wrapped)).toEqual(key);
  });

  it('refuses another wrapping key and altered bytes', () => {
    const wrapped = wrapKey(randomBytes(32), randomBytes(32));
    expect(() => unwrapKey(randomBytes(32), wrapped)).toThrow(KeyWrapError);
    const wrapping = randomBytes(32);
    const altered = wrapKey(wrapping, randomBytes(32));
    altered[5] ^= 1;
    expect(() => unwrapKey(wrapping, altered)).toThrow(KeyWrapError);
  });

  it('matches RFC 5649 section 6’s published test vector (192-bit KEK, 20-byte key)', () => {
    // The RFC's vector uses a 192-bit KEK; the same OpenSSL routine runs as id-aes192-wrap-pad.
    const kek = Buffer.from('5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8', 'hex');
    const key = Buffer.from('c37b7e6492584340bed12207808941155068f738', 'hex');
    const cipher = createCipheriv('id-aes192-wrap-pad', kek, Buffer.from('a65959a6', 'hex'));
    const wrapped = Buffer.concat([cipher.update(key), cipher.final()]);
    expect(wrapped.toString('hex')).toBe(
      '138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a',
    );
  });
});

describe('sealing with AES-256-GCM', () => {
  const key = randomBytes(32);
  const where = 'pat_WqgcxhOw611n1E5WV6Ju7Q/EncounterRecorded';

  it('opens what it sealed, in the same place, and hides it', () => {
    const plaintext = Buffer.from('{"age":"[70-80)","diag_1":"250.83"}');
    const sealed = seal(key, plaintext, where);
    expect(sealed.includes(plaintext.subarray(0, 8))).toBe(false);
    expect(sealed).toHaveLength(1 + 12 + plaintext.length + 16);
    expect(open(key, sealed, where)).toEqual(plaintext);
    expect(seal(key, plaintext, where)).not.toEqual(sealed); // a fresh IV each time
  });

  it('refuses another key, another place, altered bytes and unknown versions', () => {
    const sealed = seal(key, Buffer.from('x'), where);
    expect(() => open(randomBytes(32), sealed, where)).toThrow(SealError);
    expect(() => open(key, sealed, 'pat_other/EncounterRecorded')).toThrow(SealError);
    const altered = Buffer.from(sealed);
    altered[14] ^= 1;
    expect(() => open(key, altered, where)).toThrow(SealError);
    const future = Buffer.from(sealed);
    future[0] = 2;
    expect(() => open(key, future, where)).toThrow('unknown version 2');
    expect(() => open(key, Buffer.alloc(5), where)).toThrow('too short');
  });
});
