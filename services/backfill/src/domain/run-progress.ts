import type { BackfillProgressed, OffsetRange } from '@readmit/contracts';
import { checkpointsAt, recordsIn, resumePositions } from './backfill-range';

/** What a checkpoint says, without the envelope and the names the run adds. */
export type RunCheckpoint = Pick<
  BackfillProgressed,
  'checkpoints' | 'processed' | 'total' | 'ratePerSecond' | 'ranges'
>;

/** A chunk handed over: where it leaves its partition and the predictions it writes. */
export interface ChunkHandedOver {
  readonly partition: number;
  /** The offset after the chunk: where its partition resumes. */
  readonly next: number;
  readonly written: number;
}

/** A chunk committed: it also counts the records it wrote no prediction for. */
export interface ChunkCommitted extends ChunkHandedOver {
  /** Records that were not encounters, were poison, or that the model refused. */
  readonly skipped: number;
  /** Encounters that break the field rules. */
  readonly invalid: number;
}

/** Positions reached and predictions written, as of one view of the run. */
interface Reached {
  readonly positions: Map<number, number>;
  /** Predictions written by every run of this backfill. */
  processed: number;
  /** Predictions written by this run (its rate). */
  processedHere: number;
}

/**
 * Where one run of a backfill is, in two views. What is committed is the run's state: where each
 * partition resumes and what the end reports. What is handed over runs ahead of it while
 * transactions are in flight; each chunk's checkpoint is written from it, since transactions
 * commit in the order they are handed over and a failed one refuses every later one.
 */
export class RunProgress {
  private readonly committed: Reached;
  private readonly handed: Reached;
  private readonly rangeOf: ReadonlyMap<number, OffsetRange>;
  private readonly done: Set<number>;
  private skippedRecords = 0;
  private invalidEncounters = 0;

  /**
   * @param resumed the last checkpoint of an earlier run of this backfill (null on its first run)
   * @param startedAt when the backfill's first run started: the start of its duration
   */
  constructor(
    readonly ranges: readonly OffsetRange[],
    resumed: Pick<BackfillProgressed, 'checkpoints' | 'processed'> | null,
    readonly startedAt: number,
  ) {
    const positions = resumePositions(ranges, resumed?.checkpoints ?? []);
    const processed = resumed?.processed ?? 0;
    this.committed = { positions, processed, processedHere: 0 };
    this.handed = { positions: new Map(positions), processed, processedHere: 0 };
    this.rangeOf = new Map(ranges.map((range) => [range.partition, range]));
    this.done = new Set(
      ranges
        .filter((range) => (positions.get(range.partition) ?? 0) >= range.toOffset)
        .map((range) => range.partition),
    );
  }

  /** The range of a partition, or undefined for a partition the backfill does not read. */
  range(partition: number): OffsetRange | undefined {
    return this.rangeOf.get(partition);
  }

  /** Where a partition's next unread record is, as committed. */
  resumeAt(range: OffsetRange): number {
    return this.committed.positions.get(range.partition) ?? range.fromOffset;
  }

  isDone(partition: number): boolean {
    return this.done.has(partition);
  }

  allDone(): boolean {
    return this.ranges.every((range) => this.done.has(range.partition));
  }

  /**
   * Marks a partition read to its range's end; what remains up to the end holds no encounter
   * (markers, aborted records). False when it is not the backfill's or is already done.
   */
  finishPartition(partition: number): boolean {
    const range = this.rangeOf.get(partition);
    if (!range || this.done.has(partition)) return false;
    this.done.add(partition);
    this.committed.positions.set(partition, range.toOffset);
    this.handed.positions.set(partition, range.toOffset);
    return true;
  }

  /** Moves the handed-over view past a chunk; returns the checkpoint its transaction carries. */
  handOver(chunk: ChunkHandedOver, seconds: number): RunCheckpoint {
    this.handed.positions.set(chunk.partition, chunk.next);
    this.handed.processed += chunk.written;
    this.handed.processedHere += chunk.written;
    return this.checkpointOf(this.handed, seconds);
  }

  /** Moves the committed view past a chunk once its transaction has committed. */
  commit(chunk: ChunkCommitted): void {
    this.committed.positions.set(chunk.partition, chunk.next);
    this.committed.processed += chunk.written;
    this.committed.processedHere += chunk.written;
    this.skippedRecords += chunk.skipped;
    this.invalidEncounters += chunk.invalid;
  }

  /** The checkpoint of what is committed, `seconds` into this run (its rate). */
  checkpoint(seconds: number): RunCheckpoint {
    return this.checkpointOf(this.committed, seconds);
  }

  get processed(): number {
    return this.committed.processed;
  }

  get skipped(): number {
    return this.skippedRecords;
  }

  get invalid(): number {
    return this.invalidEncounters;
  }

  private checkpointOf(reached: Reached, seconds: number): RunCheckpoint {
    return {
      checkpoints: checkpointsAt(this.ranges, reached.positions),
      processed: reached.processed,
      total: recordsIn(this.ranges),
      ratePerSecond: seconds > 0 ? reached.processedHere / seconds : 0,
      ranges: [...this.ranges],
    };
  }
}

/** What a completed backfill says about the records of its range it wrote no prediction for. */
export function skippedReason({
  skipped,
  invalid,
}: {
  readonly skipped: number;
  readonly invalid: number;
}): string | null {
  const parts = [
    invalid > 0 ? `${invalid} encounters break the field rules and were not scored` : null,
    skipped > 0 ? `${skipped} records were not encounters or could not be scored` : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? parts.join('; ') : null;
}
