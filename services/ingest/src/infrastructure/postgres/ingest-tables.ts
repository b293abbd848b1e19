import { createSchemaIfMissing } from '@readmit/platform/database/schema-creation';
import { advisoryLockName, lockInTransaction } from '@readmit/platform/database/advisory-locks';
import {
  IDENTIFIER_COLUMN_TYPE,
  upgradeIdentifierColumn,
} from '@readmit/platform/database/identifier-columns';
import type { DataSource } from 'typeorm';
import { patientHistoryDdl, type PatientHistoryTables } from './patient-history-table';

/** The ingest service's own tables, qualified with the service's schema. */
export interface IngestTables {
  /** One row per encounter ever recorded, by its pseudonym: the deduplication keys. */
  readonly keys: string;
  /** One row per bulk upload: its report. */
  readonly uploads: string;
  /** FHIR ingest's patient history: visits and diabetes medication orders by patient. */
  readonly history: PatientHistoryTables;
}

export function ingestTablesOf(dataSource: DataSource): IngestTables {
  // The schema comes from READMIT_DATABASE_SCHEMA, validated as a lower-case SQL identifier.
  const { schema } = dataSource.options as { schema?: string };
  const qualified = (table: string) => `"${schema ?? 'public'}"."${table}"`;
  return {
    keys: qualified('ingest_encounter_keys'),
    uploads: qualified('ingest_uploads'),
    history: {
      visits: qualified('ingest_patient_visits'),
      orders: qualified('ingest_patient_medication_orders'),
    },
  };
}

/**
 * Creates the tables when missing. Written out rather than synchronised from entities: the
 * uploads are records, not derived data, and a schema sync must never drop their columns.
 * Serialised by an advisory lock, so instances starting together do not race on the DDL.
 */
export async function ensureIngestTables(dataSource: DataSource): Promise<IngestTables> {
  const tables = ingestTablesOf(dataSource);
  const { schema } = dataSource.options as { schema?: string };
  await createSchemaIfMissing((sql) => dataSource.query(sql), schema ?? 'public');
  await dataSource.transaction(async (manager) => {
    await lockInTransaction(manager, advisoryLockName('ingest', 'tables', schema ?? 'public'));
    // recorded: an EncounterRecorded is on the log (or being published by an open transaction).
    // outcome: the latest label known, with its event's recordedAt, which orders corrections as
    // training does; a label seen on the log before its encounter leaves recorded false.
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${tables.keys} (
        encounter_id ${IDENTIFIER_COLUMN_TYPE} PRIMARY KEY,
        recorded boolean NOT NULL,
        outcome text,
        outcome_recorded_at bigint
      )`);
    // patient_nbr: whose encounter it is, learned from the log, so that a forget deletes the rows.
    await manager.query(`ALTER TABLE ${tables.keys} ADD COLUMN IF NOT EXISTS patient_nbr text`);
    await manager.query(
      `CREATE INDEX IF NOT EXISTS ingest_encounter_keys_patient ON ${tables.keys} (patient_nbr)`,
    );
    // A table from before pseudonyms held clear ids: they become legacy ids, as the log reads.
    await manager.query(
      upgradeIdentifierColumn(schema ?? 'public', 'ingest_encounter_keys', 'encounter_id'),
    );
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${tables.uploads} (
        upload_id text PRIMARY KEY,
        status text NOT NULL,
        from_line bigint,
        rows_read bigint NOT NULL,
        rows_skipped bigint NOT NULL,
        encounters bigint NOT NULL,
        outcomes bigint NOT NULL,
        duplicates bigint NOT NULL,
        updated_outcomes bigint NOT NULL,
        rejected bigint NOT NULL,
        last_complete_line bigint,
        rejections jsonb NOT NULL,
        duplicate_lines jsonb NOT NULL,
        started_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        finished_at timestamptz
      )`);
    for (const statement of patientHistoryDdl(tables.history)) await manager.query(statement);
  });
  return tables;
}
