import { createSchemaIfMissing } from '@readmit/platform/database/schema-creation';
import type { PredictionMade } from '@readmit/contracts';
import {
  IDENTIFIER_COLUMN_TYPE,
  quotedIdentifier as quoted,
  upgradeIdentifierColumn,
} from '@readmit/platform/database/identifier-columns';
import { Pool } from 'pg';

/** Where a backfill's TABLE target lives, and how to reach it. */
export interface PredictionTableSettings {
  readonly databaseUrl: string;
  /** The Postgres schema (the service's projections schema). */
  readonly schema: string;
}

export const PREDICTION_TABLE = 'backfill_predictions';

/**
 * The TABLE target: one row per (backfill, encounter), encounters by pseudonym. Rows are written before the chunk's
 * Kafka transaction commits its checkpoint, and a row already there is kept, so a resumed or
 * repeated backfill adds nothing twice.
 */
export class PredictionTable {
  private readonly pool: Pool;
  private readonly table: string;
  private readonly schema: string;
  private ready: Promise<void> | null = null;

  constructor(settings: PredictionTableSettings) {
    this.pool = new Pool({ connectionString: settings.databaseUrl, max: 2 });
    this.table = `${quoted(settings.schema)}.${quoted(PREDICTION_TABLE)}`;
    this.schema = settings.schema;
  }

  /** Creates the schema and table when missing (idempotent, safe beside other instances). */
  ensure(): Promise<void> {
    this.ready ??= (async () => {
      await createSchemaIfMissing((sql) => this.pool.query(sql), this.schema);
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
          backfill_id text NOT NULL,
          encounter_id ${IDENTIFIER_COLUMN_TYPE} NOT NULL,
          model_name text NOT NULL,
          model_version text NOT NULL,
          score double precision NOT NULL,
          label boolean NOT NULL,
          threshold double precision NOT NULL,
          source_partition integer NOT NULL,
          source_offset bigint NOT NULL,
          scored_at timestamptz NOT NULL,
          PRIMARY KEY (backfill_id, encounter_id)
        )`,
      );
      // Whose encounter each row scored, so that forgetting a patient deletes their rows.
      await this.pool.query(`ALTER TABLE ${this.table} ADD COLUMN IF NOT EXISTS patient_nbr text`);
      await this.pool.query(
        `CREATE INDEX IF NOT EXISTS backfill_predictions_patient ON ${this.table} (patient_nbr)`,
      );
      // A table from before pseudonyms held clear ids: they become legacy ids, as the log reads.
      await this.pool.query(upgradeIdentifierColumn(this.schema, PREDICTION_TABLE, 'encounter_id'));
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  /**
   * Writes a chunk's predictions in one statement, each with its encounter's patient; rows
   * already written are left alone.
   */
  async write(backfillId: string, predictions: readonly PredictionMade[]): Promise<void> {
    if (predictions.length === 0) return;
    const patients = predictions.map((p) => p.patient_nbr);
    if (patients.includes(null))
      throw new Error(
        'a prediction without its patient cannot be written: the table forgets by patient',
      );
    await this.ensure();
    await this.pool.query(
      `INSERT INTO ${this.table}
        (backfill_id, encounter_id, model_name, model_version, score, label, threshold,
         source_partition, source_offset, scored_at, patient_nbr)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::bool[],
         $7::float8[], $8::int[], $9::bigint[], $10::timestamptz[], $11::text[])
       ON CONFLICT (backfill_id, encounter_id) DO NOTHING`,
      [
        backfillId,
        predictions.map((p) => p.encounter_id),
        predictions.map((p) => p.modelName),
        predictions.map((p) => p.modelVersion),
        predictions.map((p) => p.score),
        predictions.map((p) => p.label),
        predictions.map((p) => p.threshold),
        predictions.map((p) => p.sourcePartition),
        predictions.map((p) => p.sourceOffset),
        predictions.map((p) => new Date(p.envelope.occurredAt).toISOString()),
        patients,
      ],
    );
  }

  /** Deletes every row scored for a forgotten patient, in every backfill; returns how many. */
  async forgetPatient(patient: string): Promise<number> {
    await this.ensure();
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.table} WHERE patient_nbr = $1`, [
      patient,
    ]);
    return rowCount ?? 0;
  }

  /** Rows of one backfill (for tests and the CLI's summary). */
  async count(backfillId: string): Promise<number> {
    await this.ensure();
    const result = await this.pool.query<{ rows: string }>(
      `SELECT count(*) AS rows FROM ${this.table} WHERE backfill_id = $1`,
      [backfillId],
    );
    return Number(result.rows[0].rows);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
