import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropTestSchema } from '../../../../../test/support/database';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { PatientKeys } from './patient-keys';
import { PATIENT_KEYS_TABLE, PostgresPatientKeyStore } from './postgres-patient-key-store';

describe('patient data keys in Postgres', () => {
  const url = testEndpoints().databaseUrl;
  const schema = uniqueName('keys').replace(/-/g, '_');
  const wrapping = { id: 'wk-1', key: randomBytes(32) };
  const stores: PostgresPatientKeyStore[] = [];
  const newStore = () => {
    const store = new PostgresPatientKeyStore(url, schema);
    stores.push(store);
    return store;
  };
  const rowsOf = async (patient: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT patient, wrapped FROM "${schema}"."${PATIENT_KEYS_TABLE}" WHERE patient = $1`,
        [patient],
      );
      return rows as Array<{ patient: string; wrapped: Buffer }>;
    } finally {
      await client.end();
    }
  };

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropTestSchema(schema);
  });

  it('keeps one key per patient even when several writers create it at once', async () => {
    const writers = Array.from({ length: 6 }, () => new PatientKeys(newStore(), wrapping));
    const keys = await Promise.all(writers.map((writer) => writer.keyFor('pat_race')));
    for (const key of keys) expect(key).toEqual(keys[0]);
    const rows = await rowsOf('pat_race');
    expect(rows).toHaveLength(1);
    expect(rows[0].wrapped.includes(keys[0])).toBe(false);
  });

  it('makes a batch of keys in one trip, agreeing with writers that raced for the same patients', async () => {
    const patients = Array.from({ length: 50 }, (_, index) => `pat_batch_${index}`);
    const writers = Array.from({ length: 3 }, () => new PatientKeys(newStore(), wrapping));
    const batches = await Promise.all(writers.map((writer) => writer.keysFor(patients)));
    for (const batch of batches) {
      expect(batch.size).toBe(50);
      for (const patient of patients) expect(batch.get(patient)).toEqual(batches[0].get(patient));
    }
    const reader = new PatientKeys(newStore(), wrapping);
    const read = await reader.existingKeysOf([...patients, 'pat_never']);
    expect(read.size).toBe(50);
    expect(read.get('pat_batch_7')).toEqual(batches[0].get('pat_batch_7'));
    expect(await rowsOf('pat_batch_7')).toHaveLength(1);
  });

  it('forgets: the row is gone, and the patient has no key for any reader', async () => {
    const writer = new PatientKeys(newStore(), wrapping);
    await writer.keyFor('pat_forget');
    const reader = new PatientKeys(newStore(), wrapping);
    expect(await reader.existingKeyFor('pat_forget')).toHaveLength(32);
    expect(await writer.forget('pat_forget')).toBe(true);
    expect(await rowsOf('pat_forget')).toEqual([]);
    expect(
      await new PatientKeys(newStore(), wrapping).existingKeyFor('pat_forget'),
    ).toBeUndefined();
    expect(await writer.forget('pat_forget')).toBe(false);
  });
});
