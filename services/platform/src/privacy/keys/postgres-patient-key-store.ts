import { Pool } from 'pg';
import { quotedIdentifier as quoted } from '../../database/identifier-columns';
import { createSchemaIfMissing } from '../../database/schema-creation';
import type { PatientKeyStore, StoredPatientKey } from './patient-key-store.port';

export const PATIENT_KEYS_TABLE = 'patient_data_keys';

/**
 * The patients' wrapped data keys in Postgres, one row per patient pseudonym. A forget is a
 * DELETE; Postgres reclaims the row's space at its next vacuum (docs/security.md says how to make
 * that immediate).
 */
export class PostgresPatientKeyStore implements PatientKeyStore {
  private readonly pool: Pool;
  private readonly table: string;
  private ready: Promise<void> | null = null;

  constructor(
    databaseUrl: string,
    private readonly schema: string,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 4 });
    this.table = `${quoted(schema)}.${quoted(PATIENT_KEYS_TABLE)}`;
  }

  /** Creates the schema and table when missing (idempotent, safe beside other instances). */
  ensure(): Promise<void> {
    this.ready ??= (async () => {
      // Concurrent CREATE ... IF NOT EXISTS can still collide in Postgres's catalog: one at a time.
      await createSchemaIfMissing((sql) => this.pool.query(sql), this.schema);
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [this.table]);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.table} (
            patient text PRIMARY KEY,
            wrapped bytea NOT NULL,
            wrapping_key_id text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
          )`,
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async get(patient: string): Promise<StoredPatientKey | undefined> {
    await this.ensure();
    const { rows } = await this.pool.query<{ wrapped: Buffer; wrapping_key_id: string }>(
      `SELECT wrapped, wrapping_key_id FROM ${this.table} WHERE patient = $1`,
      [patient],
    );
    return rows[0]
      ? { wrapped: rows[0].wrapped, wrappingKeyId: rows[0].wrapping_key_id }
      : undefined;
  }

  async getMany(patients: readonly string[]): Promise<Map<string, StoredPatientKey>> {
    await this.ensure();
    const { rows } = await this.pool.query<{
      patient: string;
      wrapped: Buffer;
      wrapping_key_id: string;
    }>(
      `SELECT patient, wrapped, wrapping_key_id FROM ${this.table} WHERE patient = ANY($1::text[])`,
      [patients],
    );
    return new Map(
      rows.map((row) => [
        row.patient,
        { wrapped: row.wrapped, wrappingKeyId: row.wrapping_key_id },
      ]),
    );
  }

  async putManyIfAbsent(
    keys: ReadonlyMap<string, StoredPatientKey>,
  ): Promise<Map<string, StoredPatientKey>> {
    await this.ensure();
    const patients = [...keys.keys()];
    const stored = [...keys.values()];
    await this.pool.query(
      `INSERT INTO ${this.table} (patient, wrapped, wrapping_key_id)
       SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[])
       ON CONFLICT (patient) DO NOTHING`,
      [patients, stored.map((key) => key.wrapped), stored.map((key) => key.wrappingKeyId)],
    );
    // Another writer may have won for some: read back the keys that are kept.
    return this.getMany(patients);
  }

  async putIfAbsent(patient: string, key: StoredPatientKey): Promise<StoredPatientKey> {
    await this.ensure();
    await this.pool.query(
      `INSERT INTO ${this.table} (patient, wrapped, wrapping_key_id) VALUES ($1, $2, $3)
       ON CONFLICT (patient) DO NOTHING`,
      [patient, key.wrapped, key.wrappingKeyId],
    );
    // Whoever inserted first, every writer now uses the key that was kept.
    const kept = await this.get(patient);
    if (!kept) throw new Error('the patient key was deleted while it was being created');
    return kept;
  }

  async delete(patient: string): Promise<boolean> {
    await this.ensure();
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.table} WHERE patient = $1`, [
      patient,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
