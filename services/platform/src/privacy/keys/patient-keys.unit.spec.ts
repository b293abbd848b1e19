import { randomBytes } from 'node:crypto';
import { KeyWrapError } from './key-wrap';
import { MemoryPatientKeyStore as MemoryKeyStore } from './memory-patient-key-store';
import type { StoredPatientKey } from './patient-key-store.port';
import { PatientKeys } from './patient-keys';

const wrapping = { id: 'wk-1', key: randomBytes(32) };

describe('per-patient data keys', () => {
  it('makes a key on first use, keeps it wrapped, and gives the same key after', async () => {
    const store = new MemoryKeyStore();
    const keys = new PatientKeys(store, wrapping);
    const first = await keys.keyFor('pat_a');
    expect(first).toHaveLength(32);
    const row = store.rows.get('pat_a') as StoredPatientKey;
    expect(row.wrappingKeyId).toBe('wk-1');
    expect(row.wrapped.includes(first)).toBe(false);
    expect(await keys.keyFor('pat_a')).toEqual(first);
    // Another process with the same store and wrapping key reads the same key.
    expect(await new PatientKeys(store, wrapping).existingKeyFor('pat_a')).toEqual(first);
    expect(await keys.keyFor('pat_b')).not.toEqual(first);
  });

  it('serves cached keys without reading the store', async () => {
    const store = new MemoryKeyStore();
    const keys = new PatientKeys(store, wrapping);
    await keys.keyFor('pat_a');
    const reads = store.reads;
    for (let i = 0; i < 10; i++) await keys.existingKeyFor('pat_a');
    expect(store.reads).toBe(reads);
  });

  it('forgets: the key is gone from the store and every cache told of it', async () => {
    const store = new MemoryKeyStore();
    const writer = new PatientKeys(store, wrapping);
    const reader = new PatientKeys(store, wrapping);
    await writer.keyFor('pat_a');
    await reader.existingKeyFor('pat_a');
    expect(await writer.forget('pat_a')).toBe(true);
    expect(await writer.existingKeyFor('pat_a')).toBeUndefined();
    reader.evict('pat_a');
    expect(await reader.existingKeyFor('pat_a')).toBeUndefined();
    expect(await writer.forget('pat_a')).toBe(false);
    // A returning patient starts over with a new key; the old records stay unreadable.
    expect(await writer.keyFor('pat_a')).toHaveLength(32);
  });

  it('keeps a bounded number of keys in memory, least recently used out first', async () => {
    const store = new MemoryKeyStore();
    const keys = new PatientKeys(store, wrapping, { maxCached: 2 });
    await keys.keyFor('pat_a');
    await keys.keyFor('pat_b');
    await keys.existingKeyFor('pat_a'); // a is now the most recent
    await keys.keyFor('pat_c'); // b goes
    const reads = store.reads;
    await keys.existingKeyFor('pat_a');
    await keys.existingKeyFor('pat_c');
    expect(store.reads).toBe(reads);
    await keys.existingKeyFor('pat_b');
    expect(store.reads).toBe(reads + 1);
  });

  it('trusts a cached key for maxAgeMs only: a forget elsewhere reaches a reader that heard nothing', async () => {
    const store = new MemoryKeyStore();
    let now = 1_000;
    const writer = new PatientKeys(store, wrapping);
    const reader = new PatientKeys(store, wrapping, { maxAgeMs: 30_000, now: () => now });
    await writer.keyFor('pat_a');
    expect(await reader.existingKeysOf(['pat_a'])).toHaveProperty('size', 1);
    await writer.forget('pat_a');
    now += 29_000;
    expect(reader.cachedKey('pat_a')).toHaveLength(32);
    expect((await reader.existingKeysOf(['pat_a'])).has('pat_a')).toBe(true);
    now += 1_000;
    expect((await reader.existingKeysOf(['pat_a'])).has('pat_a')).toBe(false);
    expect(reader.cachedKey('pat_a')).toBeUndefined();
  });

  it('fetches a batch of keys in one trip, making missing ones only for writers', async () => {
    const store = new MemoryKeyStore();
    const keys = new PatientKeys(store, wrapping);
    await keys.keyFor('pat_a');
    const before = store.reads;
    const found = await new PatientKeys(store, wrapping).existingKeysOf([
      'pat_a',
      'pat_b',
      'pat_a',
    ]);
    expect([...found.keys()]).toEqual(['pat_a']);
    expect(store.reads).toBe(before + 1);
    const made = await keys.keysFor(['pat_a', 'pat_b']);
    expect([...made.keys()].sort()).toEqual(['pat_a', 'pat_b']);
    expect(store.rows.has('pat_b')).toBe(true);
  });

  it('seals with a key prepared for writing even if it ages out before the event is encoded', async () => {
    let now = 0;
    const keys = new PatientKeys(new MemoryKeyStore(), wrapping, { maxAgeMs: 10, now: () => now });
    const prepared = await keys.keysFor(['pat_a']);
    now += 11;
    expect(keys.cachedKey('pat_a')).toEqual(prepared.get('pat_a'));
  });

  it('refuses keys wrapped under another wrapping key, naming the rotation', async () => {
    const store = new MemoryKeyStore();
    await new PatientKeys(store, wrapping).keyFor('pat_a');
    const rotated = new PatientKeys(store, { id: 'wk-2', key: randomBytes(32) });
    await expect(rotated.existingKeyFor('pat_a')).rejects.toThrow(
      'wrapped under wk-1, not the wrapping key in use (wk-2): finish the key rotation',
    );
    const wrongKey = new PatientKeys(store, { id: 'wk-1', key: randomBytes(32) });
    await expect(wrongKey.existingKeyFor('pat_a')).rejects.toBeInstanceOf(KeyWrapError);
  });
});
