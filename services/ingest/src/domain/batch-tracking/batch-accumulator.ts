import type {
  BatchArrived,
  BatchTrigger,
  EncounterRecorded,
  Envelope,
  OffsetRange,
  OutcomeRecorded,
  ReadmissionClass,
} from '@readmit/contracts';
import { FeatureProfiler } from './feature-profile';

/** When a batch closes: after this many new labels, or once this much event time has passed. */
export interface BatchPolicy {
  readonly labelsPerBatch: number;
  readonly windowMs: number;
}

/** Where a message sits in the log. */
export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * The open batch: what arrived since the last BatchArrived. Pure state; the tracker feeds it
 * messages in log order per partition and asks whether the batch is due.
 */
export class BatchAccumulator {
  private readonly ranges = new Map<string, OffsetRange>();
  private readonly profiler = new FeatureProfiler();
  private readonly labelCounts: Record<ReadmissionClass, number> = {
    NO: 0,
    AFTER_30_DAYS: 0,
    WITHIN_30_DAYS: 0,
  };
  private encounters = 0;
  private labels = 0;
  private firstEventTime: number | undefined;
  private lastEventTime: number | undefined;

  addEncounter(position: LogPosition, event: EncounterRecorded): void {
    this.extend(position, event.recordedAt);
    this.encounters += 1;
    this.profiler.add(event);
  }

  addOutcome(position: LogPosition, event: OutcomeRecorded): void {
    this.extend(position, event.recordedAt);
    this.labels += 1;
    this.labelCounts[event.readmitted] += 1;
  }

  /**
   * A message the batch reads past without counting it (one that is dead-lettered): its offset
   * is covered, so the offsets committed with the batch move past it, but it adds no encounter,
   * label or event time.
   */
  passOver(position: LogPosition): void {
    this.cover(position);
  }

  /** Which trigger closes the batch now, if any. An empty window closes nothing. */
  due(policy: BatchPolicy): BatchTrigger | null {
    if (this.labels >= policy.labelsPerBatch) return 'COUNT';
    if (
      this.labels > 0 &&
      this.firstEventTime !== undefined &&
      (this.lastEventTime as number) - this.firstEventTime >= policy.windowMs
    ) {
      return 'TIME_WINDOW';
    }
    return null;
  }

  /** The BatchArrived that closes this batch. */
  close(
    envelope: Envelope,
    batchId: string,
    sequence: number,
    trigger: BatchTrigger,
  ): BatchArrived {
    const ranges = [...this.ranges.values()].sort(
      (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
    );
    return {
      envelope,
      batchId,
      sequence,
      trigger,
      encounterRanges: ranges.filter((range) => range.topic.endsWith('patient.encounters')),
      outcomeRanges: ranges.filter((range) => range.topic.endsWith('patient.outcomes')),
      encounterCount: this.encounters,
      labeledCount: this.labels,
      labelCounts: { ...this.labelCounts },
      windowStart: this.firstEventTime ?? 0,
      windowEnd: this.lastEventTime ?? 0,
      profile: this.profiler.profile(),
    };
  }

  /** The next offset to read on every partition seen, for committing with the batch. */
  nextOffsets(): LogPosition[] {
    return [...this.ranges.values()].map((range) => ({
      topic: range.topic,
      partition: range.partition,
      offset: range.toOffset,
    }));
  }

  get isEmpty(): boolean {
    return this.ranges.size === 0;
  }

  private extend(position: LogPosition, eventTime: number): void {
    this.cover(position);
    this.firstEventTime = Math.min(this.firstEventTime ?? eventTime, eventTime);
    this.lastEventTime = Math.max(this.lastEventTime ?? eventTime, eventTime);
  }

  private cover(position: LogPosition): void {
    const key = `${position.topic}:${position.partition}`;
    const range = this.ranges.get(key);
    if (range && position.offset < range.toOffset) {
      throw new Error(
        `${key}: offset ${position.offset} arrived after ${range.toOffset - 1}; messages must come in log order`,
      );
    }
    this.ranges.set(key, {
      topic: position.topic,
      partition: position.partition,
      fromOffset: range?.fromOffset ?? position.offset,
      toOffset: position.offset + 1,
    });
  }
}
