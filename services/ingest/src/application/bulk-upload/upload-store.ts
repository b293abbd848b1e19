import type { ReadmissionClass } from '@readmit/contracts';
import type { KeyState } from '../../domain/dedup/encounter-claims';
import type { UploadReport } from '../../domain/bulk-upload/upload-report';

/** What one chunk's transaction can do with the encounter keys. */
export interface ChunkClaims {
  /**
   * Claims the ids (ascending) for this transaction: an id no EncounterRecorded is known for
   * becomes this transaction's to publish; one claimed by a concurrent transaction is waited
   * for, then known or claimed depending on whether that one committed. Returns every id's
   * state, with the stored outcome of the `labelled` ones.
   */
  claim(ids: readonly string[], labelled: readonly string[]): Promise<Map<string, KeyState>>;
  /** Stores the latest outcome of encounters whose outcome this chunk publishes. */
  storeOutcomes(changes: ReadonlyMap<string, ReadmissionClass>, recordedAt: number): Promise<void>;
}

/** Where the ingest service keeps what it has recorded and how each upload went. */
export interface UploadStore {
  /**
   * Runs `work` in one transaction: its claims and outcomes are committed only when it
   * resolves, and rolled back when it throws, so a chunk whose publish failed is claimable again.
   */
  inTransaction<T>(work: (claims: ChunkClaims) => Promise<T>): Promise<T>;
  /** Starts an upload's record; false when an upload with this id already exists. */
  start(report: UploadReport): Promise<boolean>;
  /** Stores where an upload stands (its progress, or its final report). */
  save(report: UploadReport): Promise<void>;
  /** Forgets an upload that never started (its body was refused). */
  discard(uploadId: string): Promise<void>;
  find(uploadId: string): Promise<UploadReport | undefined>;
}

/** The store's claims lost a lock conflict (a deadlock); nothing was published, try again. */
export class ClaimConflictError extends Error {
  // No cause attached: a driver error carries the query's parameters, i.e. encounter ids.
  constructor() {
    super('the encounter claims met a concurrent transaction');
    this.name = 'ClaimConflictError';
  }
}

export const UPLOAD_STORE = Symbol('UPLOAD_STORE');
