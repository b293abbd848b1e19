import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { quotedIdentifier as quoted } from '../../database/identifier-columns';
import { createSchemaIfMissing } from '../../database/schema-creation';
import type { KeyEncryptionKey } from './key-encryption-key';
import type { KnownWrappingKeys, WrappingKey } from './patient-keys';

export const WRAPPING_KEYS_TABLE = 'wrapping_keys';

/** The wrapping key is bound to its purpose and id: a row copied elsewhere does not unwrap. */
export const wrappingKeyContext = (id: string) => ({
  purpose: 'readmit-patient-key-wrapping',
  wrappingKeyId: id,
});
const contextOf = wrappingKeyContext;

/** The quoted table name; `pg_advisory_xact_lock(hashtext(<it>))` is the lock its writers take. */
export const wrappingKeysTable = (schema: string) =>
  `${quoted(schema)}.${quoted(WRAPPING_KEYS_TABLE)}`;

/**
 * The wrapping key every service uses for patients' data keys, kept in Postgres wrapped by the
 * KEK: made by the first service that needs it, unwrapped by the KEK once per process. The KEK
 * (a local key file, AWS KMS) is never stored here.
 */
export class WrappingKeys {
  private readonly pool: Pool;
  private readonly table: string;

  constructor(
    databaseUrl: string,
    private readonly schema: string,
    private readonly kek: KeyEncryptionKey,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: 1 });
    this.table = wrappingKeysTable(schema);
  }

  /** The active wrapping key, made (and stored wrapped) if there is none yet. */
  async active(): Promise<WrappingKey> {
    await createSchemaIfMissing((sql) => this.pool.query(sql), this.schema);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One service makes the key; the others wait here and read it.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.table]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
          id text PRIMARY KEY,
          wrapped bytea NOT NULL,
          kek_id text NOT NULL,
          active boolean NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now()
        )`,
      );
      const { rows } = await client.query<{ id: string; wrapped: Buffer; kek_id: string }>(
        `SELECT id, wrapped, kek_id FROM ${this.table} WHERE active`,
      );
      let row = rows[0];
      if (!row) {
        const id = `wk-${randomUUID()}`;
        const wrapped = await this.kek.wrap(randomBytes(32), contextOf(id));
        await client.query(
          `INSERT INTO ${this.table} (id, wrapped, kek_id, active) VALUES ($1, $2, $3, true)`,
          [id, wrapped, this.kek.id],
        );
        row = { id, wrapped, kek_id: this.kek.id };
      }
      await client.query('COMMIT');
      if (row.kek_id !== this.kek.id)
        throw new Error(
          `the wrapping key ${row.id} is protected by ${row.kek_id}, but this service is configured with ${this.kek.id}`,
        );
      return { id: row.id, key: await this.kek.unwrap(row.wrapped, contextOf(row.id)) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The active wrapping key (made if there is none) and every other one still kept, all
   * unwrapped: a reader opens patient keys under any of them while a wrapping-key rotation runs.
   */
  async all(): Promise<KnownWrappingKeys> {
    await this.active();
    // One snapshot: a rotation that swaps the active key between two reads cannot split them.
    const { rows } = await this.pool.query<{
      id: string;
      wrapped: Buffer;
      kek_id: string;
      active: boolean;
    }>(`SELECT id, wrapped, kek_id, active FROM ${this.table}`);
    let active: WrappingKey | undefined;
    const others = new Map<string, WrappingKey>();
    for (const row of rows) {
      if (row.kek_id !== this.kek.id)
        throw new Error(
          `the wrapping key ${row.id} is protected by ${row.kek_id}, but this service is configured with ${this.kek.id}`,
        );
      const key = { id: row.id, key: await this.kek.unwrap(row.wrapped, contextOf(row.id)) };
      if (row.active) active = key;
      else others.set(row.id, key);
    }
    if (!active) throw new Error('no active wrapping key (a rotation removed it meanwhile?)');
    return { active, others };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
