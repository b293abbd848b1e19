import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * AES-256 key wrap with padding (RFC 5649, OpenSSL's id-aes256-wrap-pad through node:crypto): the
 * standard, deterministic way to store a key under another. Microseconds, where the Encryption
 * SDK's message format takes about a millisecond: per-patient keys are unwrapped at the rate
 * encounters of new patients arrive, so they are wrapped this way under a wrapping key that the
 * KEK (local file or KMS) protects once per process.
 */
const ALGORITHM = 'id-aes256-wrap-pad';
/** RFC 5649's alternative initial value; node wants it as the IV. */
const RFC_5649_IV = Buffer.from('a65959a6', 'hex');

export class KeyWrapError extends Error {
  constructor() {
    super('cannot unwrap: not wrapped under this key (or altered)');
    this.name = 'KeyWrapError';
  }
}

export function wrapKey(wrappingKey: Uint8Array, key: Uint8Array): Buffer {
  assertKeyLength(wrappingKey);
  const cipher = createCipheriv(ALGORITHM, wrappingKey, RFC_5649_IV);
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

export function unwrapKey(wrappingKey: Uint8Array, wrapped: Uint8Array): Buffer {
  assertKeyLength(wrappingKey);
  try {
    const decipher = createDecipheriv(ALGORITHM, wrappingKey, RFC_5649_IV);
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch {
    // OpenSSL's integrity check failed: another wrapping key, or bytes altered.
    throw new KeyWrapError();
  }
}

function assertKeyLength(key: Uint8Array): void {
  if (key.length !== 32) throw new Error(`a wrapping key is 32 bytes, not ${key.length}`);
}
