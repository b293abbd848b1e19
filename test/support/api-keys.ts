import { randomBytes, scryptSync } from 'node:crypto';
import {
  DEFAULT_SCRYPT_COST,
  formatEntry,
  generateApiKey,
  type Role,
} from '@readmit/platform/auth';

/** An API key made for a test, and the READMIT_API_KEYS entry that accepts it. */
export interface TestApiKey {
  readonly name: string;
  readonly roles: readonly Role[];
  /** The key a client sends in x-api-key. */
  readonly key: string;
  /** Its entry: a salted scrypt hash, as a deployment configures it. */
  readonly entry: string;
}

/**
 * A fresh key for `name` with `roles`, hashed as `readmit keys create` hashes (same cost), at
 * module load if need be: scryptSync, about 50 ms a key.
 */
export function testApiKey(name: string, roles: readonly Role[]): TestApiKey {
  const { key, keyId } = generateApiKey();
  const salt = randomBytes(16);
  const hash = scryptSync(key, salt, 32, DEFAULT_SCRYPT_COST);
  const entry = formatEntry({ name, roles, keyId, scrypt: { ...DEFAULT_SCRYPT_COST, salt, hash } });
  return { name, roles, key, entry };
}

/** The READMIT_API_KEYS value that accepts every key given. */
export function apiKeysEnv(...keys: readonly TestApiKey[]): string {
  return keys.map((key) => key.entry).join(',');
}
