import { randomBytes, randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import { quotedIdentifier as quoted } from '../../database/identifier-columns';
import type { KeyEncryptionKey } from './key-encryption-key';
import { unwrapKey, wrapKey } from './key-wrap';
import { PATIENT_KEYS_TABLE, PostgresPatientKeyStore } from './postgres-patient-key-store';
import { WrappingKeys, wrappingKeyContext, wrappingKeysTable } from './wrapping-keys';

/** Where the key hierarchy's tables live. */
export interface KeyDatabase {
  readonly databaseUrl: string;
  readonly databaseSchema: string;
}

export interface KekRotation {
  readonly from: string;
  readonly to: string;
  /** Wrapping keys re-wrapped (0 when none was made yet). */
  readonly rewrapped: number;
}

/**
 * Re-wraps every wrapping key from the current KEK to `to`, in one transaction under the lock
 * WrappingKeys takes: the wrapping keys themselves (and so every patient key) are unchanged.
 * Services still configured with `from` are refused from then on, naming both KEKs.
 */
export async function rotateKek(
  database: KeyDatabase,
  from: KeyEncryptionKey,
  to: KeyEncryptionKey,
): Promise<KekRotation> {
  if (from.id === to.id) throw new Error(`the new KEK is the current one (${from.id})`);
  const table = wrappingKeysTable(database.databaseSchema);
  return inTransaction(database, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [
      table,
    ]);
    if (!exists.rows[0]?.found) return { from: from.id, to: to.id, rewrapped: 0 };
    const { rows } = await client.query<{ id: string; wrapped: Buffer; kek_id: string }>(
      `SELECT id, wrapped, kek_id FROM ${table} ORDER BY id FOR UPDATE`,
    );
    for (const row of rows)
      if (row.kek_id !== from.id)
        throw new Error(
          `the wrapping key ${row.id} is protected by ${row.kek_id}, not by the current KEK ${from.id}: nothing was changed`,
        );
    for (const row of rows) {
      const key = await from.unwrap(row.wrapped, wrappingKeyContext(row.id));
      try {
        const wrapped = await to.wrap(key, wrappingKeyContext(row.id));
        await client.query(`UPDATE ${table} SET wrapped = $2, kek_id = $3 WHERE id = $1`, [
          row.id,
          wrapped,
          to.id,
        ]);
      } finally {
        key.fill(0);
      }
    }
    return { from: from.id, to: to.id, rewrapped: rows.length };
  });
}

export interface WrappingKeyRotationProgress {
  /** Patient keys re-wrapped so far by this run. */
  readonly rewrapped: number;
  /** Patient keys under a retired wrapping key when this run started. */
  readonly total: number;
}

export interface WrappingKeyRotationOptions {
  /** Patient keys re-wrapped per transaction (default 1,000). */
  readonly batchSize?: number;
  /** Called after each committed batch; a throw stops the run (a re-run continues). */
  readonly onProgress?: (progress: WrappingKeyRotationProgress) => void | Promise<void>;
  /**
   * Keep the retired wrapping key (default false: it is deleted at the end). Services started
   * before the rotation hold it and may still wrap new patients' keys under it: keep it, roll the
   * services, then run the rotation again to re-wrap those and delete it.
   */
  readonly keepRetired?: boolean;
}

export interface WrappingKeyRotation {
  /** The wrapping key patients' keys are wrapped under now. */
  readonly active: string;
  /** The wrapping keys whose patient keys were re-wrapped (one, unless an earlier run left more). */
  readonly retired: readonly string[];
  /** False when started anew; true when this run continued one a crash or `keepRetired` left. */
  readonly continued: boolean;
  readonly rewrapped: number;
  /** Whether the retired wrapping keys were deleted (and with them, what a backup could open). */
  readonly deleted: boolean;
}

/**
 * Replaces the wrapping key: a new one (wrapped by the KEK) becomes active at once and the old one
 * is kept, inactive, while every patient key is re-wrapped from it to the new one in batches;
 * then the old one is deleted. Readers built from `WrappingKeys.all()` open every patient at every
 * step. A run that finds an inactive wrapping key continues that rotation instead of starting
 * another, so a crash midway is mended by running it again.
 */
export async function rotateWrappingKey(
  database: KeyDatabase,
  kek: KeyEncryptionKey,
  options: WrappingKeyRotationOptions = {},
): Promise<WrappingKeyRotation> {
  const batchSize = options.batchSize ?? 1_000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`the batch size must be a positive integer, not ${batchSize}`);
  const { databaseUrl, databaseSchema: schema } = database;
  const wrappingTable = wrappingKeysTable(schema);
  const patientTable = `${quoted(schema)}.${quoted(PATIENT_KEYS_TABLE)}`;

  // Makes the tables when missing and refuses a KEK other than the one the keys are under.
  const wrappingKeys = new WrappingKeys(databaseUrl, schema, kek);
  const store = new PostgresPatientKeyStore(databaseUrl, schema);
  try {
    await wrappingKeys.active();
    await store.ensure();
  } finally {
    await Promise.all([wrappingKeys.close(), store.close()]);
  }

  const started = await inTransaction(database, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [wrappingTable]);
    const inactive = await client.query<{ id: string }>(
      `SELECT id FROM ${wrappingTable} WHERE NOT active ORDER BY created_at`,
    );
    if (inactive.rows.length > 0) return { continued: true };
    const id = `wk-${randomUUID()}`;
    const key = randomBytes(32);
    const wrapped = await kek.wrap(key, wrappingKeyContext(id));
    key.fill(0);
    await client.query(`UPDATE ${wrappingTable} SET active = false WHERE active`);
    await client.query(
      `INSERT INTO ${wrappingTable} (id, wrapped, kek_id, active) VALUES ($1, $2, $3, true)`,
      [id, wrapped, kek.id],
    );
    return { continued: false };
  });

  const wrappingKeysNow = new WrappingKeys(databaseUrl, schema, kek);
  let known;
  try {
    known = await wrappingKeysNow.all();
  } finally {
    await wrappingKeysNow.close();
  }
  const { active, others } = known;
  const retired = [...others.keys()];
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });

  /** Re-wraps up to `limit` patient keys under the retired keys to the active one; how many. */
  const rewrapBatch = async (client: PoolClient, limit: number | null): Promise<number> => {
    const { rows } = await client.query<{
      patient: string;
      wrapped: Buffer;
      wrapping_key_id: string;
    }>(
      `SELECT patient, wrapped, wrapping_key_id FROM ${patientTable}
       WHERE wrapping_key_id = ANY($1::text[]) ORDER BY patient
       ${limit === null ? '' : `LIMIT ${limit}`} FOR UPDATE`,
      [retired],
    );
    if (rows.length === 0) return 0;
    const rewrapped = rows.map((row) => {
      const from = others.get(row.wrapping_key_id);
      if (!from) throw new Error(`no wrapping key ${row.wrapping_key_id}`);
      const dataKey = unwrapKey(from.key, row.wrapped);
      const wrapped = wrapKey(active.key, dataKey);
      dataKey.fill(0);
      return wrapped;
    });
    await client.query(
      `UPDATE ${patientTable} AS kept SET wrapped = fresh.wrapped, wrapping_key_id = $3
       FROM unnest($1::text[], $2::bytea[]) AS fresh(patient, wrapped)
       WHERE kept.patient = fresh.patient`,
      [rows.map((row) => row.patient), rewrapped, active.id],
    );
    return rows.length;
  };

  try {
    const counted = await pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM ${patientTable} WHERE wrapping_key_id = ANY($1::text[])`,
      [retired],
    );
    const total = Number(counted.rows[0]?.count ?? 0);
    let rewrapped = 0;
    for (;;) {
      const done = await inTransactionOn(pool, (client) => rewrapBatch(client, batchSize));
      if (done === 0) break;
      rewrapped += done;
      await options.onProgress?.({ rewrapped, total });
    }
    if (options.keepRetired)
      return {
        active: active.id,
        retired,
        continued: started.continued,
        rewrapped,
        deleted: false,
      };
    // Writers may have wrapped new patients' keys under a retired key meanwhile: stop writes to
    // the table (reads go on), re-wrap those, and delete the retired keys in one transaction.
    rewrapped += await inTransactionOn(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [wrappingTable]);
      await client.query(`LOCK TABLE ${patientTable} IN SHARE ROW EXCLUSIVE MODE`);
      const late = await rewrapBatch(client, null);
      await client.query(`DELETE FROM ${wrappingTable} WHERE id = ANY($1::text[]) AND NOT active`, [
        retired,
      ]);
      return late;
    });
    return { active: active.id, retired, continued: started.continued, rewrapped, deleted: true };
  } finally {
    await pool.end();
    active.key.fill(0);
    for (const key of others.values()) key.key.fill(0);
  }
}

async function inTransaction<T>(
  database: KeyDatabase,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const pool = new Pool({ connectionString: database.databaseUrl, max: 1 });
  try {
    return await inTransactionOn(pool, work);
  } finally {
    await pool.end();
  }
}

async function inTransactionOn<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
