import { LEGACY_CLEAR_ID_PREFIX } from '@readmit/contracts';

/**
 * The column type of an encounter or patient pseudonym. "C" collation orders by byte, which for
 * ASCII pseudonyms is JavaScript's default sort: statements that lock rows in id order take them
 * in the order the code sorted them.
 */
export const IDENTIFIER_COLUMN_TYPE = 'text COLLATE "C"';

/** A Postgres identifier (schema, table, column) quoted for SQL text. */
export const quotedIdentifier = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const quoted = quotedIdentifier;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * One statement that turns an identifier column written before pseudonyms (bigint: the clear
 * ids) into IDENTIFIER_COLUMN_TYPE, each id becoming its legacy clear id (`legacy:149190`), the
 * form the log's old events read as, so the rows keep matching the log until it is migrated
 * (docs/security.md). Does nothing when the column is text already; run it at start-up, after
 * CREATE TABLE IF NOT EXISTS and under the same lock.
 */
export function upgradeIdentifierColumn(schema: string, table: string, column: string): string {
  return `DO $upgrade$ BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = ${literal(schema)} AND table_name = ${literal(table)}
                 AND column_name = ${literal(column)} AND data_type = 'bigint') THEN
      ALTER TABLE ${quoted(schema)}.${quoted(table)}
        ALTER COLUMN ${quoted(column)} TYPE ${IDENTIFIER_COLUMN_TYPE}
        USING ${literal(LEGACY_CLEAR_ID_PREFIX)} || ${quoted(column)}::text;
    END IF;
  END $upgrade$`;
}
