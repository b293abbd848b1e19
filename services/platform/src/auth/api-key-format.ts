import { randomBytes } from 'node:crypto';
import { PRINCIPAL_NAME } from './principal';
import { isRole, ROLES, type Role } from './roles';

/**
 * API keys and their configuration entries.
 *
 * A key is `rk_<key id>_<secret>`: the id (16 hex digits) is public and says which entry to
 * check, the secret (32 random bytes, base64url) is what proves it. A service never holds a key,
 * only its entry in READMIT_API_KEYS:
 *
 *     <name>:<role>+<role>:<key id>:scrypt.<N>.<r>.<p>.<salt>.<hash>
 *
 * e.g. `ops-lee:read+operate:3f9a1c0b7d2e4a68:scrypt.16384.8.1.<22 chars>.<43 chars>`, entries
 * separated by commas. The hash is scrypt(key, salt) with the cost parameters it names; salt and
 * hash are base64url. No `$` (shells and docker compose would expand it) and no `:` inside the
 * hash, so an entry can be pasted anywhere as it is.
 */
export const KEY_PREFIX = 'rk';
const KEY = /^rk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** scrypt's cost: N (CPU and memory, a power of two), r (block size), p (parallelism). */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Node's defaults: about 50 ms and 16 MiB per verification. Lower is refused. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16_384, r: 8, p: 1 };
const MIN_N = 16_384;
const MAX_N = 1_048_576;

export interface ScryptHash extends ScryptCost {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

export interface ApiKeyEntry {
  readonly name: string;
  readonly roles: readonly Role[];
  readonly keyId: string;
  readonly scrypt: ScryptHash;
}

/** A new random key. */
export function generateApiKey(): { key: string; keyId: string } {
  const keyId = randomBytes(8).toString('hex');
  return { key: `${KEY_PREFIX}_${keyId}_${randomBytes(32).toString('base64url')}`, keyId };
}

/** The key id of a well-formed key; undefined for anything else. */
export function keyIdOf(presented: string): string | undefined {
  return KEY.exec(presented)?.[1];
}

export function formatEntry(entry: ApiKeyEntry): string {
  const { N, r, p, salt, hash } = entry.scrypt;
  const scrypt = ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')];
  return `${entry.name}:${entry.roles.join('+')}:${entry.keyId}:${scrypt.join('.')}`;
}

export type ParsedEntry =
  | { readonly ok: true; readonly entry: ApiKeyEntry }
  | { readonly ok: false; readonly problem: string };

/**
 * One entry of READMIT_API_KEYS. Problems name the entry by its position (and its name, once
 * that is known to be a name): never by its text, which might be a key pasted by mistake.
 */
export function parseEntry(text: string, position: number): ParsedEntry {
  const fail = (problem: string): ParsedEntry => ({ ok: false, problem });
  const entryRef = `entry ${position}`;
  const fields = text.split(':');
  if (fields.length !== 4)
    return fail(
      looksLikePlainKey(text)
        ? `${entryRef} is a plain key: keys are stored only as salted hashes. Run \`readmit keys create --name <name> --roles <roles>\` (or \`readmit keys hash\` for an existing rk_ key) and set the entry it prints`
        : `${entryRef} is not <name>:<role>+<role>:<key id>:scrypt.<N>.<r>.<p>.<salt>.<hash> (\`readmit keys create\` prints one)`,
    );
  const [name, roleList, keyId, hashText] = fields;
  if (!PRINCIPAL_NAME.test(name))
    return fail(`${entryRef}: the name must be 1-100 letters, digits, '.', '_', '@' or '-'`);
  const named = `${entryRef} (${name})`;
  const roles = roleList.split('+');
  const unknown = roles.filter((role) => !isRole(role));
  if (roleList === '' || unknown.length > 0)
    return fail(
      `${named}: ${roleList === '' ? 'no role' : `unknown role ${unknown.map((role) => `'${role}'`).join(', ')}`} (roles: ${ROLES.join(', ')})`,
    );
  if (!KEY_ID.test(keyId)) return fail(`${named}: the key id must be 16 hex digits`);
  const scrypt = parseScryptHash(hashText);
  if (typeof scrypt === 'string') return fail(`${named}: ${scrypt}`);
  return { ok: true, entry: { name, roles: [...new Set(roles as Role[])], keyId, scrypt } };
}

function parseScryptHash(text: string): ScryptHash | string {
  const parts = text.split('.');
  if (parts.length !== 6 || parts[0] !== 'scrypt')
    return 'the hash must be scrypt.<N>.<r>.<p>.<salt>.<hash>';
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const [salt, hash] = parts.slice(4);
  if (!Number.isInteger(N) || N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0)
    return `scrypt N must be a power of two from ${MIN_N} to ${MAX_N}`;
  if (!Number.isInteger(r) || r < 8 || r > 32) return 'scrypt r must be from 8 to 32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'scrypt p must be from 1 to 16';
  if (!BASE64URL.test(salt) || Buffer.from(salt, 'base64url').length < 16)
    return 'the salt must be at least 16 bytes, base64url';
  if (!BASE64URL.test(hash) || Buffer.from(hash, 'base64url').length !== 32)
    return 'the hash must be 32 bytes, base64url';
  return {
    N,
    r,
    p,
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
}

/** No separators: a key (ours or an older free-form one) rather than an entry. */
function looksLikePlainKey(text: string): boolean {
  return !text.includes(':') || KEY.test(text);
}
