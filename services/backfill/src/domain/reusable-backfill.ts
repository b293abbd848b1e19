import type { OffsetRange } from '@readmit/contracts';
import type { Backfill, BackfillState } from './backfill-state';

/**
 * A completed backfill whose predictions can stand in for a new one: it re-scored exactly
 * `ranges` (its fixed offset ranges, so the same encounters) with `version` (the resolved
 * version: a `champion` backfill counts as the version it ran with). The latest such one, or null.
 */
export function reusableBackfill(
  state: BackfillState,
  version: string,
  ranges: readonly OffsetRange[],
): Backfill | null {
  let found: Backfill | null = null;
  for (const backfill of state.values()) {
    const { completed, progress } = backfill;
    if (completed?.status !== 'COMPLETED' || completed.modelVersion !== version) continue;
    if (!progress || !sameRanges(progress.ranges, ranges)) continue;
    if (!found || completed.envelope.occurredAt > (found.completed?.envelope.occurredAt ?? 0))
      found = backfill;
  }
  return found;
}

/** The same offsets of the same partitions (partitions in any order; empty ranges count). */
export function sameRanges(first: readonly OffsetRange[], second: readonly OffsetRange[]): boolean {
  if (first.length !== second.length) return false;
  const key = (range: OffsetRange) =>
    `${range.topic}\u0000${range.partition}\u0000${range.fromOffset}\u0000${range.toOffset}`;
  const keys = new Set(first.map(key));
  return second.every((range) => keys.has(key(range)));
}
