import type { OffsetRange } from '@readmit/contracts';

/** Offsets of one partition: `[start, end)` where the records sit. */
export interface PartitionOffsets {
  readonly partition: number;
  readonly offset: string | number;
}

/**
 * The range of each partition between two positions: `starts` (first offsets in range) and
 * `ends` (first offsets past it), e.g. from the offsets at fromTime and toTime. A start past its
 * end (clock skew between producers) gives an empty range.
 */
export function rangesBetween(
  topic: string,
  starts: readonly PartitionOffsets[],
  ends: readonly PartitionOffsets[],
): OffsetRange[] {
  const endOf = new Map(ends.map(({ partition, offset }) => [partition, Number(offset)]));
  return [...starts]
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, offset }) => {
      const fromOffset = Number(offset);
      const end = endOf.get(partition);
      if (end === undefined) throw new Error(`no end offset for ${topic}[${partition}]`);
      return { topic, partition, fromOffset, toOffset: Math.max(fromOffset, end) };
    });
}

/** Records in the ranges (an upper bound of encounters: transaction markers take offsets too). */
export function recordsIn(ranges: readonly OffsetRange[]): number {
  return ranges.reduce((sum, range) => sum + (range.toOffset - range.fromOffset), 0);
}

/**
 * Where to read next in each partition: the checkpoint's finished offset when there is one,
 * the range's start otherwise; never outside the range.
 */
export function resumePositions(
  ranges: readonly OffsetRange[],
  checkpoints: readonly OffsetRange[],
): Map<number, number> {
  const done = new Map(
    checkpoints.map((checkpoint) => [checkpoint.partition, checkpoint.toOffset]),
  );
  return new Map(
    ranges.map((range) => [
      range.partition,
      Math.min(range.toOffset, Math.max(range.fromOffset, done.get(range.partition) ?? 0)),
    ]),
  );
}

/** The checkpoints for positions: each partition's start, and what is finished. */
export function checkpointsAt(
  ranges: readonly OffsetRange[],
  positions: ReadonlyMap<number, number>,
): OffsetRange[] {
  return ranges.map((range) => ({
    topic: range.topic,
    partition: range.partition,
    fromOffset: range.fromOffset,
    toOffset: positions.get(range.partition) ?? range.fromOffset,
  }));
}
