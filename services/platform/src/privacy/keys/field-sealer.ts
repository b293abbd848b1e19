import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Sealed bytes: `0x01 | 12-byte IV | ciphertext | 16-byte GCM tag`, AES-256-GCM under a patient's
 * data key. The associated data binds a sealed value to where it belongs (the patient's
 * pseudonym, the event type and field), so it cannot be moved to another record unnoticed.
 */
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {
  constructor(reason: string) {
    super(`cannot open sealed data: ${reason}`);
    this.name = 'SealError';
  }
}

export function seal(dataKey: Uint8Array, plaintext: Uint8Array, associatedData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]);
}

export function open(dataKey: Uint8Array, sealed: Uint8Array, associatedData: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new SealError('too short');
  if (sealed[0] !== VERSION) throw new SealError(`unknown version ${sealed[0]}`);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  const iv = bytes.subarray(1, 1 + IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, iv);
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SealError('another key or place, or altered');
  }
}
