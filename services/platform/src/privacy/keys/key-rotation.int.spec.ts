import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropTestSchema } from '../../../../../test/support/database';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { EnvelopeKeyEncryptionKey } from './envelope-kek';
import { rotateKek, rotateWrappingKey, type WrappingKeyRotationProgress } from './key-rotation';
import { unwrapKey } from './key-wrap';
import { MemoryPatientKeyStore } from './memory-patient-key-store';
import { PatientKeys } from './patient-keys';
import { PATIENT_KEYS_TABLE, PostgresPatientKeyStore } from './postgres-patient-key-store';
import { WRAPPING_KEYS_TABLE, WrappingKeys } from './wrapping-keys';

const url = testEndpoints().databaseUrl;

async function query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('rotating the KEK', () => {
  const schema = uniqueName('kekrot').replace(/-/g, '_');
  const database = { databaseUrl: url, databaseSchema: schema };
  const oldKek = EnvelopeKeyEncryptionKey.local(randomBytes(32));
  const newKek = EnvelopeKeyEncryptionKey.local(randomBytes(32));
  const opened: WrappingKeys[] = [];
  const open = (kek: EnvelopeKeyEncryptionKey) => {
    const keys = new WrappingKeys(url, schema, kek);
    opened.push(keys);
    return keys;
  };

  afterAll(async () => {
    await Promise.all(opened.map((keys) => keys.close()));
    await dropTestSchema(schema);
  });

  it('has nothing to re-wrap before a wrapping key is made', async () => {
    expect(await rotateKek(database, oldKek, newKek)).toEqual({
      from: oldKek.id,
      to: newKek.id,
      rewrapped: 0,
    });
  });

  it('re-wraps the same wrapping key under the new KEK; the old KEK is refused after', async () => {
    const before = await open(oldKek).active();
    expect(await rotateKek(database, oldKek, newKek)).toEqual({
      from: oldKek.id,
      to: newKek.id,
      rewrapped: 1,
    });
    const after = await open(newKek).active();
    expect(after.id).toBe(before.id);
    expect(after.key.equals(before.key)).toBe(true);
    await expect(open(oldKek).active()).rejects.toThrow(
      `the wrapping key ${before.id} is protected by ${newKek.id}, but this service is configured with ${oldKek.id}`,
    );
    const rows = await query<{ kek_id: string; wrapped: Buffer }>(
      `SELECT kek_id, wrapped FROM "${schema}"."${WRAPPING_KEYS_TABLE}"`,
    );
    expect(rows.map((row) => row.kek_id)).toEqual([newKek.id]);
    expect(rows[0]?.wrapped.includes(before.key)).toBe(false);
  });

  it('refuses to rotate from a KEK that no longer protects the wrapping key, changing nothing', async () => {
    await expect(rotateKek(database, oldKek, newKek)).rejects.toThrow(
      `is protected by ${newKek.id}, not by the current KEK ${oldKek.id}: nothing was changed`,
    );
    await expect(rotateKek(database, newKek, newKek)).rejects.toThrow(
      'the new KEK is the current one',
    );
    expect((await open(newKek).active()).id).toBeDefined();
  });
});

describe('rotating the wrapping key', () => {
  const schema = uniqueName('wkrot').replace(/-/g, '_');
  const database = { databaseUrl: url, databaseSchema: schema };
  const kek = EnvelopeKeyEncryptionKey.local(randomBytes(32));
  const patients = Array.from({ length: 2_500 }, (_, index) => `pat_rot_${index}`);
  const stores: PostgresPatientKeyStore[] = [];
  const newStore = () => {
    const store = new PostgresPatientKeyStore(url, schema);
    stores.push(store);
    return store;
  };
  const wrappingKeysNow = async () => {
    const keys = new WrappingKeys(url, schema, kek);
    try {
      return await keys.all();
    } finally {
      await keys.close();
    }
  };
  const rowsByWrappingKey = async () =>
    Object.fromEntries(
      (
        await query<{ wrapping_key_id: string; count: string }>(
          `SELECT wrapping_key_id, count(*) AS count FROM "${schema}"."${PATIENT_KEYS_TABLE}" GROUP BY 1`,
        )
      ).map((row) => [row.wrapping_key_id, Number(row.count)]),
    );
  const wrappingKeyIds = async () =>
    (
      await query<{ id: string }>(`SELECT id FROM "${schema}"."${WRAPPING_KEYS_TABLE}" ORDER BY id`)
    ).map((row) => row.id);

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropTestSchema(schema);
  });

  it('re-wraps every patient key, survives a crash midway, and destroys the old wrapping key', async () => {
    const { active: oldWrapping } = await wrappingKeysNow();
    const oldWriter = new PatientKeys(newStore(), oldWrapping);
    const before = await oldWriter.keysFor(patients);
    expect(before.size).toBe(2_500);
    const backup = await query<{ patient: string; wrapped: Buffer }>(
      `SELECT patient, wrapped FROM "${schema}"."${PATIENT_KEYS_TABLE}"`,
    );

    // A crash after the first batch of 1,000.
    await expect(
      rotateWrappingKey(database, kek, {
        batchSize: 1_000,
        onProgress: () => {
          throw new Error('crashed');
        },
      }),
    ).rejects.toThrow('crashed');
    const halfway = await wrappingKeysNow();
    expect(halfway.active.id).not.toBe(oldWrapping.id);
    expect([...halfway.others.keys()]).toEqual([oldWrapping.id]);
    expect(await rowsByWrappingKey()).toEqual({
      [halfway.active.id]: 1_000,
      [oldWrapping.id]: 1_500,
    });

    // Half done, a reader knowing every wrapping key opens every patient.
    const midReader = new PatientKeys(newStore(), halfway);
    const mid = await midReader.existingKeysOf(patients);
    expect(mid.size).toBe(2_500);
    for (const patient of patients)
      expect(mid.get(patient)?.equals(before.get(patient) as Buffer)).toBe(true);
    // A writer started before the rotation still wraps new patients' keys under the old key.
    const late = await oldWriter.keyFor('pat_rot_late');

    const progress: WrappingKeyRotationProgress[] = [];
    const rotation = await rotateWrappingKey(database, kek, {
      batchSize: 1_000,
      onProgress: (step) => {
        progress.push(step);
      },
    });
    expect(rotation).toEqual({
      active: halfway.active.id,
      retired: [oldWrapping.id],
      continued: true,
      rewrapped: 1_501,
      deleted: true,
    });
    expect(progress).toEqual([
      { rewrapped: 1_000, total: 1_501 },
      { rewrapped: 1_501, total: 1_501 },
    ]);
    expect(await rowsByWrappingKey()).toEqual({ [halfway.active.id]: 2_501 });
    expect(await wrappingKeyIds()).toEqual([halfway.active.id]);

    // A reader with only the new wrapping key opens every patient, each key byte for byte as before.
    const after = await wrappingKeysNow();
    expect(after.others.size).toBe(0);
    expect(after.active.key.equals(halfway.active.key)).toBe(true);
    const reader = new PatientKeys(newStore(), { id: after.active.id, key: after.active.key });
    const opened = await reader.existingKeysOf([...patients, 'pat_rot_late']);
    expect(opened.size).toBe(2_501);
    for (const patient of patients)
      expect(opened.get(patient)?.equals(before.get(patient) as Buffer)).toBe(true);
    expect(opened.get('pat_rot_late')?.equals(late)).toBe(true);

    // A backup of the table from before the rotation opens nothing with the keys now kept.
    const restored = new MemoryPatientKeyStore();
    const [saved] = backup;
    if (!saved) throw new Error('no backup row');
    restored.rows.set(saved.patient, { wrapped: saved.wrapped, wrappingKeyId: oldWrapping.id });
    await expect(new PatientKeys(restored, after).existingKeyFor(saved.patient)).rejects.toThrow(
      `wrapped under ${oldWrapping.id}, not the wrapping key in use (${after.active.id}): finish the key rotation`,
    );
    expect(() => unwrapKey(after.active.key, saved.wrapped)).toThrow();
  });

  it('keeps the old wrapping key when asked, and a later run deletes it; a finished rotation is not continued', async () => {
    const { active: first } = await wrappingKeysNow();
    const kept = await rotateWrappingKey(database, kek, { keepRetired: true });
    expect(kept).toMatchObject({
      retired: [first.id],
      continued: false,
      rewrapped: 2_501,
      deleted: false,
    });
    expect(await wrappingKeyIds()).toEqual([first.id, kept.active].sort());
    const finished = await rotateWrappingKey(database, kek);
    expect(finished).toEqual({
      active: kept.active,
      retired: [first.id],
      continued: true,
      rewrapped: 0,
      deleted: true,
    });
    expect(await wrappingKeyIds()).toEqual([kept.active]);
    expect(await rowsByWrappingKey()).toEqual({ [kept.active]: 2_501 });
  });
});
