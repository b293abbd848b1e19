import { quotedIdentifier } from './identifier-columns';

/** What Postgres answers a CREATE SCHEMA IF NOT EXISTS that lost a race with another one. */
const LOST_RACE_CODES = new Set(['23505', '42P06']);

/**
 * Creates a schema unless it exists, safe beside other processes doing the same: two concurrent
 * `CREATE SCHEMA IF NOT EXISTS` can still collide in Postgres's catalog (unique violation), and
 * then the schema exists, which is all the caller wanted. Run it outside a transaction (an
 * error would abort one). Services sharing a schema (projections, keys, ingest tables) start
 * together, so each creates it this way.
 */
export async function createSchemaIfMissing(
  query: (sql: string) => Promise<unknown>,
  schema: string,
): Promise<void> {
  try {
    await query(`CREATE SCHEMA IF NOT EXISTS ${quotedIdentifier(schema)}`);
  } catch (error) {
    if (!LOST_RACE_CODES.has((error as { code?: string }).code ?? '')) throw error;
  }
}
