import type { ReadmissionClass } from '@readmit/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import {
  ClaimConflictError,
  type ChunkClaims,
  type UploadStore,
} from '../../application/bulk-upload/upload-store';
import type { KeyState } from '../../domain/dedup/encounter-claims';
import {
  resumeLineOf,
  type UploadReport,
  type UploadStatus,
} from '../../domain/bulk-upload/upload-report';
import { claimKeys, setOutcomes, storedOutcomes } from './encounter-keys-table';
import { guarded } from './database-errors';
import { ingestTablesOf, type IngestTables } from './ingest-tables';

/** Postgres lost a lock conflict: deadlock_detected, serialization_failure. */
const CONFLICT_CODES = new Set(['40P01', '40001']);

interface UploadRow {
  upload_id: string;
  status: UploadStatus;
  from_line: string | null;
  rows_read: string;
  rows_skipped: string;
  encounters: string;
  outcomes: string;
  duplicates: string;
  updated_outcomes: string;
  rejected: string;
  last_complete_line: string | null;
  rejections: UploadReport['rejections'];
  duplicate_lines: UploadReport['duplicateLines'];
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const orNull = (value: string | null) => (value === null ? null : Number(value));

function reportOf(row: UploadRow): UploadReport {
  const fromLine = orNull(row.from_line);
  const lastCompleteLine = orNull(row.last_complete_line);
  return {
    uploadId: row.upload_id,
    status: row.status,
    fromLine,
    rows: Number(row.rows_read),
    skipped: Number(row.rows_skipped),
    encounters: Number(row.encounters),
    outcomes: Number(row.outcomes),
    duplicates: Number(row.duplicates),
    updatedOutcomes: Number(row.updated_outcomes),
    rejected: Number(row.rejected),
    lastCompleteLine,
    resumeFromLine: resumeLineOf(fromLine, lastCompleteLine),
    rejections: row.rejections,
    duplicateLines: row.duplicate_lines,
    startedAt: row.started_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

const COLUMNS = [
  'status',
  'from_line',
  'rows_read',
  'rows_skipped',
  'encounters',
  'outcomes',
  'duplicates',
  'updated_outcomes',
  'rejected',
  'last_complete_line',
  'rejections',
  'duplicate_lines',
  'started_at',
  'updated_at',
  'finished_at',
] as const;

function valuesOf(report: UploadReport): unknown[] {
  return [
    report.uploadId,
    report.status,
    report.fromLine,
    report.rows,
    report.skipped,
    report.encounters,
    report.outcomes,
    report.duplicates,
    report.updatedOutcomes,
    report.rejected,
    report.lastCompleteLine,
    JSON.stringify(report.rejections),
    JSON.stringify(report.duplicateLines),
    report.startedAt,
    report.updatedAt,
    report.finishedAt,
  ];
}

/** The upload store on the service's Postgres (tables in READMIT_DATABASE_SCHEMA). */
export class PostgresUploadStore implements UploadStore {
  private readonly tables: IngestTables;

  constructor(private readonly dataSource: DataSource) {
    this.tables = ingestTablesOf(dataSource);
  }

  inTransaction<T>(work: (claims: ChunkClaims) => Promise<T>): Promise<T> {
    return guarded(() => this.dataSource.transaction((manager) => work(this.claimsOn(manager))));
  }

  private claimsOn(manager: EntityManager): ChunkClaims {
    const table = this.tables.keys;
    return {
      claim: async (ids, labelled) => {
        let claimed: Set<string>;
        try {
          claimed = await claimKeys(manager, table, ids);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'string' && CONFLICT_CODES.has(code)) throw new ClaimConflictError();
          throw error;
        }
        const outcomes = await storedOutcomes(manager, table, labelled);
        return new Map<string, KeyState>(
          ids.map((id) => [id, { claimed: claimed.has(id), outcome: outcomes.get(id) ?? null }]),
        );
      },
      storeOutcomes: (changes: ReadonlyMap<string, ReadmissionClass>, recordedAt: number) =>
        setOutcomes(manager, table, changes, recordedAt),
    };
  }

  start(report: UploadReport): Promise<boolean> {
    return guarded(async () => {
      const rows = (await this.dataSource.query(
        `INSERT INTO ${this.tables.uploads} (upload_id, ${COLUMNS.join(', ')})
         VALUES (${valuesOf(report)
           .map((_, index) => `$${index + 1}`)
           .join(', ')})
         ON CONFLICT (upload_id) DO NOTHING RETURNING upload_id`,
        valuesOf(report),
      )) as unknown[];
      return rows.length === 1;
    });
  }

  save(report: UploadReport): Promise<void> {
    return guarded(async () => {
      await this.dataSource.query(
        `UPDATE ${this.tables.uploads}
         SET ${COLUMNS.map((column, index) => `${column} = $${index + 2}`).join(', ')}
         WHERE upload_id = $1`,
        valuesOf(report),
      );
    });
  }

  discard(uploadId: string): Promise<void> {
    return guarded(async () => {
      await this.dataSource.query(`DELETE FROM ${this.tables.uploads} WHERE upload_id = $1`, [
        uploadId,
      ]);
    });
  }

  find(uploadId: string): Promise<UploadReport | undefined> {
    return guarded(async () => {
      const rows = (await this.dataSource.query(
        `SELECT * FROM ${this.tables.uploads} WHERE upload_id = $1`,
        [uploadId],
      )) as UploadRow[];
      return rows.length === 0 ? undefined : reportOf(rows[0]);
    });
  }
}
