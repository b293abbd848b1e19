import { createHash } from 'node:crypto';
import { keyIdOf, type ApiKeyEntry, type ScryptHash } from './api-key-format';
import { matchesHash } from './api-key-hashing';
import type { Principal } from './principal';

/**
 * Checks presented API keys against the configured entries.
 *
 * scrypt takes ~50 ms on purpose, far too long for every prediction (p99 ≤ 25 ms at
 * 200 requests/s), so a key is checked with scrypt once and then remembered by its SHA-256
 * digest: a later request with the same key costs one SHA-256 and a map lookup. Only keys that
 * passed are remembered, so the memory is bounded by the number of entries (and `maxRemembered`);
 * concurrent first uses of one key share one scrypt. The map is keyed by digest, never by the
 * key, and finding a digest in it tells a caller nothing about any other key.
 *
 * scrypt's cost is also a lever for whoever knows a key id: recently refused digests are
 * remembered too (a repeated wrong key costs no second scrypt), and at most `maxConcurrentChecks`
 * scrypts run at once; beyond that `verify` answers `busy` (the caller says 429) rather than
 * queueing CPU work for the event loop's pool.
 */
export class ApiKeyVerifier {
  private readonly byKeyId: ReadonlyMap<string, ApiKeyEntry>;
  private readonly verified = new Map<string, Principal>();
  private readonly refused = new Set<string>();
  private readonly maxConcurrentChecks: number;
  private readonly checking = new Map<string, Promise<Principal | undefined>>();
  private readonly maxRemembered: number;
  private readonly matches: (key: string, stored: ScryptHash) => Promise<boolean>;

  constructor(
    entries: readonly ApiKeyEntry[],
    options: {
      readonly maxRemembered?: number;
      readonly maxConcurrentChecks?: number;
      /** The scrypt check (tests count its calls). */
      readonly matches?: (key: string, stored: ScryptHash) => Promise<boolean>;
    } = {},
  ) {
    this.byKeyId = new Map(entries.map((entry) => [entry.keyId, entry]));
    this.maxRemembered = options.maxRemembered ?? 1_000;
    this.maxConcurrentChecks = options.maxConcurrentChecks ?? 4;
    this.matches = options.matches ?? matchesHash;
  }

  get configured(): boolean {
    return this.byKeyId.size > 0;
  }

  /** The principal of an accepted key; undefined for any other string; `busy` when too many checks run. */
  async verify(presented: string): Promise<Principal | undefined | 'busy'> {
    const digest = createHash('sha256').update(presented, 'utf8').digest('base64');
    const known = this.verified.get(digest);
    if (known) return known;
    const pending = this.checking.get(digest);
    if (pending) return pending;
    const keyId = keyIdOf(presented);
    const entry = keyId === undefined ? undefined : this.byKeyId.get(keyId);
    if (!entry || this.refused.has(digest)) return undefined;
    if (this.checking.size >= this.maxConcurrentChecks) return 'busy';
    const check = this.check(presented, entry, digest).finally(() => this.checking.delete(digest));
    this.checking.set(digest, check);
    return check;
  }

  private async check(
    presented: string,
    entry: ApiKeyEntry,
    digest: string,
  ): Promise<Principal | undefined> {
    if (!(await this.matches(presented, entry.scrypt))) {
      remember(this.refused, digest, this.maxRemembered);
      return undefined;
    }
    const principal: Principal = { id: entry.name, roles: entry.roles, method: 'api-key' };
    if (this.verified.size >= this.maxRemembered) {
      // The oldest remembered key goes first; it is checked with scrypt again when it returns.
      const oldest = this.verified.keys().next().value as string;
      this.verified.delete(oldest);
    }
    this.verified.set(digest, principal);
    return principal;
  }
}

/** Adds to a bounded set, dropping the oldest member first. */
function remember(set: Set<string>, member: string, max: number): void {
  if (set.size >= max) set.delete(set.values().next().value as string);
  set.add(member);
}
