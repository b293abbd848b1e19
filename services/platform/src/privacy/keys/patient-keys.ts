import { randomBytes } from 'node:crypto';
import { unwrapKey, wrapKey } from './key-wrap';
import type { PatientKeyStore } from './patient-key-store.port';

/** The key that wraps patients' data keys, held in memory once the KEK has unwrapped it. */
export interface WrappingKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The wrapping key new patient keys are wrapped under, and the others still kept (a wrapping-key
 * rotation under way): a patient key wrapped under any of them opens.
 */
export interface KnownWrappingKeys {
  readonly active: WrappingKey;
  readonly others: ReadonlyMap<string, WrappingKey>;
}

export interface PatientKeyCacheOptions {
  /** Keys held unwrapped at most (least recently used first out); default 100,000. */
  readonly maxCached?: number;
  /**
   * How long a key is trusted from the cache before the store is asked again (default 30 s): the
   * longest a process that has not heard of a forget (PatientForgotten) still opens that
   * patient's events.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
  /**
   * Reads the wrapping keys again (WrappingKeys.all): called when a patient key is wrapped under
   * an id this process does not know, which a wrapping-key rotation begun after its start does.
   * Without it, such a key is refused ("finish the key rotation").
   */
  readonly reloadWrappingKeys?: () => Promise<KnownWrappingKeys>;
}

/**
 * Per-patient data keys: created on a patient's first record, wrapped under the wrapping key,
 * kept in the store, cached unwrapped (bounded, least recently used first out, for at most
 * `maxAgeMs`). `forget` deletes the key and drops it from this cache; other processes drop
 * theirs on `evict` (they hear of the forget on the log) or when it ages out.
 */
export class PatientKeys {
  private readonly cache = new Map<string, { readonly key: Buffer; readonly until: number }>();
  private readonly maxCached: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private wrapping: WrappingKey;
  private others: ReadonlyMap<string, WrappingKey>;
  private readonly reloadWrappingKeys: (() => Promise<KnownWrappingKeys>) | undefined;
  private reloading: Promise<void> | null = null;

  constructor(
    private readonly store: PatientKeyStore,
    wrapping: WrappingKey | KnownWrappingKeys,
    options: PatientKeyCacheOptions = {},
  ) {
    this.wrapping = 'active' in wrapping ? wrapping.active : wrapping;
    this.others = 'active' in wrapping ? wrapping.others : new Map();
    this.maxCached = options.maxCached ?? 100_000;
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.reloadWrappingKeys = options.reloadWrappingKeys;
  }

  /** The patient's data key, made and stored if the patient has none (a writer's view). */
  async keyFor(patient: string): Promise<Buffer> {
    const cached = this.cached(patient);
    if (cached) return cached;
    const stored =
      (await this.store.get(patient)) ??
      (await this.store.putIfAbsent(patient, {
        wrapped: wrapKey(this.wrapping.key, randomBytes(32)),
        wrappingKeyId: this.wrapping.id,
      }));
    await this.knowWrappingKeys([stored.wrappingKeyId]);
    return this.remember(patient, this.unwrap(stored.wrapped, stored.wrappingKeyId));
  }

  /** The patient's data key if one is kept; undefined once forgotten (a reader's view). */
  async existingKeyFor(patient: string): Promise<Buffer | undefined> {
    const cached = this.cached(patient);
    if (cached) return cached;
    const stored = await this.store.get(patient);
    if (!stored) return undefined;
    await this.knowWrappingKeys([stored.wrappingKeyId]);
    return this.remember(patient, this.unwrap(stored.wrapped, stored.wrappingKeyId));
  }

  /**
   * The data keys of these patients, those missing made and stored in one trip (a writer's
   * view, for a batch; concurrent writers agree on one key per patient).
   */
  async keysFor(patients: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = await this.existingKeysOf(patients);
    const missing = [...new Set(patients)].filter((patient) => !keys.has(patient));
    if (missing.length === 0) return keys;
    const made = new Map(
      missing.map((patient) => [
        patient,
        { wrapped: wrapKey(this.wrapping.key, randomBytes(32)), wrappingKeyId: this.wrapping.id },
      ]),
    );
    const kept = await this.store.putManyIfAbsent(made);
    await this.knowWrappingKeys([...kept.values()].map((stored) => stored.wrappingKeyId));
    for (const [patient, stored] of kept)
      keys.set(patient, this.remember(patient, this.unwrap(stored.wrapped, stored.wrappingKeyId)));
    return keys;
  }

  /**
   * The data keys kept for these patients, uncached ones in one trip to the store; a patient
   * without a key (forgotten) is missing from the map (a reader's view, for a batch).
   */
  async existingKeysOf(patients: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const patient of new Set(patients)) {
      const cached = this.cached(patient);
      if (cached) keys.set(patient, cached);
      else missing.push(patient);
    }
    if (missing.length === 0) return keys;
    const stored = await this.store.getMany(missing);
    await this.knowWrappingKeys([...stored.values()].map((row) => row.wrappingKeyId));
    for (const [patient, row] of stored)
      keys.set(patient, this.remember(patient, this.unwrap(row.wrapped, row.wrappingKeyId)));
    return keys;
  }

  /**
   * The patient's key if this process holds it unwrapped (no trip to the store), however long
   * ago it was fetched: for sealing what `keysFor` just prepared, which may age out in between.
   * Readers go through `existingKeysOf`, which asks the store again for an aged key.
   */
  cachedKey(patient: string): Buffer | undefined {
    return this.cache.get(patient)?.key;
  }

  /** Destroys the patient's key; true when there was one. */
  async forget(patient: string): Promise<boolean> {
    this.evict(patient);
    return this.store.delete(patient);
  }

  /** Drops a cached key (the patient was forgotten elsewhere). */
  evict(patient: string): void {
    // Not zeroed: a caller may still be using it for the record in hand.
    this.cache.delete(patient);
  }

  /** Reads the wrapping keys again when one of these ids is unknown here (once at a time). */
  private async knowWrappingKeys(ids: readonly string[]): Promise<void> {
    if (!this.reloadWrappingKeys) return;
    const known = (id: string) => id === this.wrapping.id || this.others.has(id);
    if (ids.every(known)) return;
    this.reloading ??= this.reloadWrappingKeys()
      .then((keys) => {
        this.wrapping = keys.active;
        this.others = keys.others;
      })
      .finally(() => (this.reloading = null));
    await this.reloading;
  }

  private unwrap(wrapped: Buffer, wrappingKeyId: string): Buffer {
    const wrapping =
      wrappingKeyId === this.wrapping.id ? this.wrapping : this.others.get(wrappingKeyId);
    if (!wrapping)
      throw new Error(
        `the data key of a patient is wrapped under ${wrappingKeyId}, not the wrapping key in use (${this.wrapping.id}): finish the key rotation`,
      );
    return unwrapKey(wrapping.key, wrapped);
  }

  private cached(patient: string): Buffer | undefined {
    const entry = this.cache.get(patient);
    if (!entry) return undefined;
    // Most recently used last, so the oldest is first out; an aged key is asked for again.
    this.cache.delete(patient);
    if (entry.until <= this.now()) return undefined;
    this.cache.set(patient, entry);
    return entry.key;
  }

  private remember(patient: string, key: Buffer): Buffer {
    if (this.cache.size >= this.maxCached) {
      const oldest = this.cache.keys().next().value as string;
      this.evict(oldest);
    }
    this.cache.set(patient, { key, until: this.now() + this.maxAgeMs });
    return key;
  }
}
