import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';

/** The variable that holds the site's pseudonym key. */
export const PSEUDONYM_KEY_VARIABLE = 'READMIT_PSEUDONYM_KEY';

/** 256 bits: HMAC-SHA-256's own strength; a shorter key would be the weakest link. */
export const MIN_PSEUDONYM_KEY_BYTES = 32;

/**
 * Random 32 bytes hold about 30 distinct values; fewer than this means a made-up key (all
 * zeros, a repeated word), which would make every pseudonym guessable.
 */
const MIN_DISTINCT_BYTES = 16;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A key that cannot be used. The message says why, never what the key was. */
export class PseudonymKeyError extends Error {
  override readonly name = 'PseudonymKeyError';
}

/**
 * The site key under which identifiers are pseudonymised. It never prints itself: logging a
 * config object that holds it shows `[pseudonym key]`, not the bytes.
 */
export class PseudonymKey {
  readonly #bytes: Buffer;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  /** Reads a key given as base64 (as `readmit pseudonyms key` prints it). */
  static fromBase64(text: string): PseudonymKey {
    const trimmed = text.trim();
    if (!BASE64.test(trimmed) || trimmed.length % 4 === 1)
      throw new PseudonymKeyError(
        `must be base64 of at least ${MIN_PSEUDONYM_KEY_BYTES} random bytes (it is not base64)`,
      );
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length < MIN_PSEUDONYM_KEY_BYTES)
      throw new PseudonymKeyError(
        `must be base64 of at least ${MIN_PSEUDONYM_KEY_BYTES} random bytes (it holds ${bytes.length})`,
      );
    if (new Set(bytes).size < MIN_DISTINCT_BYTES)
      throw new PseudonymKeyError(
        `must be base64 of at least ${MIN_PSEUDONYM_KEY_BYTES} random bytes (these bytes are too regular to be random)`,
      );
    return new PseudonymKey(bytes);
  }

  /** A new random key, as base64: what `readmit pseudonyms key`, the demo and tests use. */
  static generate(): string {
    return randomBytes(MIN_PSEUDONYM_KEY_BYTES).toString('base64');
  }

  /** The key's bytes, for the pseudonymizer alone. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return '[pseudonym key]';
  }

  toString(): string {
    return '[pseudonym key]';
  }

  [inspect.custom](): string {
    return '[pseudonym key]';
  }
}

/** READMIT_PSEUDONYM_KEY in a service's environment schema: required, checked at start-up. */
export const pseudonymKeyField = z.string().transform((raw, ctx) => {
  try {
    return PseudonymKey.fromBase64(raw);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as PseudonymKeyError).message });
    return z.NEVER;
  }
});
