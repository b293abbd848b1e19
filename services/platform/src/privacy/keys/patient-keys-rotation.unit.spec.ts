import { randomBytes } from 'node:crypto';
import { wrapKey } from './key-wrap';
import { MemoryPatientKeyStore } from './memory-patient-key-store';
import { PatientKeys } from './patient-keys';

describe('patient keys while the wrapping key is rotated', () => {
  const oldWrapping = { id: 'wk-old', key: randomBytes(32) };
  const newWrapping = { id: 'wk-new', key: randomBytes(32) };
  const known = { active: newWrapping, others: new Map([[oldWrapping.id, oldWrapping]]) };

  it('opens keys wrapped under the active or another known wrapping key', async () => {
    const store = new MemoryPatientKeyStore();
    const underOld = randomBytes(32);
    const underNew = randomBytes(32);
    store.rows.set('pat_old', {
      wrapped: wrapKey(oldWrapping.key, underOld),
      wrappingKeyId: 'wk-old',
    });
    store.rows.set('pat_new', {
      wrapped: wrapKey(newWrapping.key, underNew),
      wrappingKeyId: 'wk-new',
    });
    const keys = new PatientKeys(store, known);
    expect(await keys.existingKeyFor('pat_old')).toEqual(underOld);
    const batch = await keys.existingKeysOf(['pat_old', 'pat_new']);
    expect(batch.get('pat_old')).toEqual(underOld);
    expect(batch.get('pat_new')).toEqual(underNew);
  });

  it('wraps new patients under the active wrapping key only', async () => {
    const store = new MemoryPatientKeyStore();
    const keys = new PatientKeys(store, known);
    await keys.keyFor('pat_a');
    await keys.keysFor(['pat_b']);
    expect(store.rows.get('pat_a')?.wrappingKeyId).toBe('wk-new');
    expect(store.rows.get('pat_b')?.wrappingKeyId).toBe('wk-new');
  });

  it('still says to finish the rotation for a key under an unknown wrapping key', async () => {
    const store = new MemoryPatientKeyStore();
    store.rows.set('pat_x', {
      wrapped: wrapKey(randomBytes(32), randomBytes(32)),
      wrappingKeyId: 'wk-gone',
    });
    await expect(new PatientKeys(store, known).existingKeyFor('pat_x')).rejects.toThrow(
      'the data key of a patient is wrapped under wk-gone, not the wrapping key in use (wk-new): finish the key rotation',
    );
    // A reader that knows only the new key refuses a key still under the old one the same way.
    store.rows.set('pat_y', {
      wrapped: wrapKey(oldWrapping.key, randomBytes(32)),
      wrappingKeyId: 'wk-old',
    });
    await expect(new PatientKeys(store, newWrapping).existingKeyFor('pat_y')).rejects.toThrow(
      'wrapped under wk-old, not the wrapping key in use (wk-new): finish the key rotation',
    );
  });

  it('reads the wrapping keys again when a rotation begun after its start moved a key under a new one', async () => {
    const store = new MemoryPatientKeyStore();
    const dataKey = randomBytes(32);
    store.rows.set('pat_moved', {
      wrapped: wrapKey(newWrapping.key, dataKey),
      wrappingKeyId: 'wk-new',
    });
    let reloads = 0;
    // Started before the rotation: it knows only the old wrapping key.
    const keys = new PatientKeys(store, oldWrapping, {
      reloadWrappingKeys: async () => {
        reloads += 1;
        return known;
      },
    });
    const [batch, single] = await Promise.all([
      keys.existingKeysOf(['pat_moved']),
      new PatientKeys(store, oldWrapping, { reloadWrappingKeys: async () => known }).existingKeyFor(
        'pat_moved',
      ),
    ]);
    expect(batch.get('pat_moved')).toEqual(dataKey);
    expect(single).toEqual(dataKey);
    expect(reloads).toBe(1);
    // New patients now go under the new active key; known ids are not read again.
    await keys.keyFor('pat_new');
    expect(store.rows.get('pat_new')?.wrappingKeyId).toBe('wk-new');
    expect(reloads).toBe(1);
  });
});
