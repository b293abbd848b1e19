import type { FieldError } from '@readmit/ml';
import type { RowVerdict } from '../dedup/encounter-claims';

/**
 * `receiving`: rows are being read (or the service stopped while reading them: the counts are
 * those of the last committed chunk); `completed`: the body ended and every row is handled;
 * `interrupted`: the body was cut off (client gone, aborted upload) and every complete row
 * received before the cut is handled; `failed`: publishing or storing failed part-way.
 */
export type UploadStatus = 'receiving' | 'completed' | 'interrupted' | 'failed';

/** Consecutive rows (as read, blank lines aside), by their first line numbers. */
export interface LineRange {
  readonly from: number;
  readonly to: number;
}

export interface Rejection {
  readonly line: number;
  readonly errors: readonly FieldError[];
}

export interface UploadCounts {
  /** Complete rows read into events or rejections (rows before `fromLine` not included). */
  readonly rows: number;
  /** Rows before `fromLine`: received and passed over without being read. */
  readonly skipped: number;
  /** EncounterRecorded published: encounters not known before. */
  readonly encounters: number;
  /** OutcomeRecorded published: labels of new encounters, and new or changed labels of known ones. */
  readonly outcomes: number;
  /** Rows whose encounter was already known (an earlier upload, the log, or an earlier row). */
  readonly duplicates: number;
  /** Of the duplicates, those whose label was new or changed, so their outcome was published. */
  readonly updatedOutcomes: number;
  readonly rejected: number;
}

/** Where an upload is: the answer to the POST and to `GET /v1/encounters/bulk/{uploadId}`. */
export interface UploadReport extends UploadCounts {
  readonly uploadId: string;
  readonly status: UploadStatus;
  /** The `fromLine` the upload was sent with (null: from the start). */
  readonly fromLine: number | null;
  /** The first line of the last complete row received (null: none). */
  readonly lastCompleteLine: number | null;
  /** Where to resume: send the same file again with `?fromLine=` this. */
  readonly resumeFromLine: number;
  /** The first rejected rows with their line and field errors. */
  readonly rejections: readonly Rejection[];
  /** The first runs of duplicate rows, by line. */
  readonly duplicateLines: readonly LineRange[];
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** The line to resume from: past the last complete row, never before where this upload began. */
export function resumeLineOf(fromLine: number | null, lastCompleteLine: number | null): number {
  return Math.max(fromLine ?? 1, (lastCompleteLine ?? 0) + 1);
}

/** Lists stay bounded whatever the file: counts are exact, lists show the first ones. */
export const MAX_LISTED = 1_000;

/**
 * Counts an upload's rows as they are handled, in file order, and says where the upload stands.
 * Pure: the caller tells it each row's fate and the time.
 */
export class UploadTally {
  private readonly counts = {
    rows: 0,
    skipped: 0,
    encounters: 0,
    outcomes: 0,
    duplicates: 0,
    updatedOutcomes: 0,
    rejected: 0,
  };
  private lastCompleteLine: number | null = null;
  private readonly rejections: Rejection[] = [];
  private readonly duplicateLines: LineRange[] = [];
  /** The range the previous row extended, while rows keep being duplicates. */
  private openRange: { from: number; to: number } | null = null;

  constructor(
    readonly uploadId: string,
    readonly fromLine: number | null,
    private readonly startedAt: number,
  ) {}

  /** A complete row before `fromLine`, passed over. */
  skipped(line: number): void {
    this.counts.skipped += 1;
    this.complete(line, false);
  }

  rejected(line: number, errors: readonly FieldError[]): void {
    this.counts.rows += 1;
    this.counts.rejected += 1;
    if (this.rejections.length < MAX_LISTED) this.rejections.push({ line, errors });
    this.complete(line, false);
  }

  /** A good row, once its chunk is committed. */
  handled({ line, encounter, publishOutcome }: RowVerdict): void {
    this.counts.rows += 1;
    if (publishOutcome) this.counts.outcomes += 1;
    if (encounter === 'new') {
      this.counts.encounters += 1;
      this.complete(line, false);
      return;
    }
    this.counts.duplicates += 1;
    if (publishOutcome) this.counts.updatedOutcomes += 1;
    this.complete(line, true);
  }

  report(status: UploadStatus, now: number): UploadReport {
    return {
      uploadId: this.uploadId,
      status,
      fromLine: this.fromLine,
      ...this.counts,
      lastCompleteLine: this.lastCompleteLine,
      resumeFromLine: resumeLineOf(this.fromLine, this.lastCompleteLine),
      rejections: this.rejections.map((rejection) => ({ ...rejection })),
      duplicateLines: this.duplicateLines.map((range) => ({ ...range })),
      startedAt: new Date(this.startedAt).toISOString(),
      updatedAt: new Date(now).toISOString(),
      finishedAt: status === 'receiving' ? null : new Date(now).toISOString(),
    };
  }

  private complete(line: number, duplicate: boolean): void {
    this.lastCompleteLine = line;
    if (!duplicate) {
      this.openRange = null;
      return;
    }
    if (this.openRange) {
      this.openRange.to = line;
    } else if (this.duplicateLines.length < MAX_LISTED) {
      this.openRange = { from: line, to: line };
      this.duplicateLines.push(this.openRange);
    }
  }
}
