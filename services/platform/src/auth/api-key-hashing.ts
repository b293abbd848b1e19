import { scrypt, timingSafeEqual, randomBytes } from 'node:crypto';
import {
  DEFAULT_SCRYPT_COST,
  formatEntry,
  generateApiKey,
  keyIdOf,
  parseEntry,
  type ScryptCost,
  type ScryptHash,
} from './api-key-format';
import { PRINCIPAL_NAME } from './principal';
import type { Role } from './roles';

const HASH_BYTES = 32;
const SALT_BYTES = 16;

/** scrypt on libuv's thread pool: slow on purpose, so never on the event loop. */
function derive(key: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      key,
      salt,
      HASH_BYTES,
      // Node refuses more than 32 MiB by default; allow what these parameters need, twice.
      { ...cost, maxmem: 256 * cost.N * cost.r },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    ),
  );
}

export async function hashApiKey(
  key: string,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<ScryptHash> {
  const salt = randomBytes(SALT_BYTES);
  return { ...cost, salt, hash: await derive(key, salt, cost) };
}

/** Whether `key` is the one `stored` was made from (constant-time comparison). */
export async function matchesHash(key: string, stored: ScryptHash): Promise<boolean> {
  const derived = await derive(key, stored.salt, stored);
  return derived.length === stored.hash.length && timingSafeEqual(derived, stored.hash);
}

/**
 * The READMIT_API_KEYS entry that accepts `key` as principal `name` with `roles`. Throws when the
 * key is not an `rk_` key or the name or roles are not valid (the message never quotes the key).
 */
export async function entryForKey(
  key: string,
  name: string,
  roles: readonly Role[],
  cost?: ScryptCost,
): Promise<string> {
  if (!PRINCIPAL_NAME.test(name))
    throw new Error(`the name must be 1-100 letters, digits, '.', '_', '@' or '-'`);
  const keyId = keyIdOf(key);
  if (keyId === undefined)
    throw new Error('not a Readmit API key (rk_<16 hex digits>_<43 base64url characters>)');
  const entry = formatEntry({ name, roles, keyId, scrypt: await hashApiKey(key, cost) });
  const parsed = parseEntry(entry, 1);
  if (!parsed.ok) throw new Error(parsed.problem.replace(/^entry 1( \([^)]*\))?: /, ''));
  return entry;
}

/** A new key and the entry that accepts it: the key is shown once, the entry configured. */
export async function createApiKey(
  name: string,
  roles: readonly Role[],
  cost?: ScryptCost,
): Promise<{ key: string; entry: string }> {
  const { key } = generateApiKey();
  return { key, entry: await entryForKey(key, name, roles, cost) };
}
