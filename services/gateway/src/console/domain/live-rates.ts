/** The next offset of every partition of a topic, summed: how many offsets the topic has used. */
export interface TopicEnd {
  readonly topic: string;
  readonly partition: number;
  /** The partition's next offset (its high watermark). */
  readonly high: number;
  /** Its earliest offset. */
  readonly low: number;
}

/** Offsets a consumer group has committed. A partition it never committed is absent. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Log ends of the watched topics at one instant (epoch ms). */
export interface EndsSnapshot {
  readonly at: number;
  readonly totals: Readonly<Record<string, number>>;
}

export function snapshotOf(at: number, ends: readonly TopicEnd[]): EndsSnapshot {
  const totals: Record<string, number> = {};
  for (const end of ends) totals[end.topic] = (totals[end.topic] ?? 0) + end.high;
  return { at, totals };
}

/**
 * Records per second per topic between two snapshots. Transaction markers take offsets too, so
 * a transactional topic reads a little high (one offset per partition and commit).
 * A topic missing from either snapshot, or a clock that did not move, gives no rate.
 */
export function ratesBetween(
  previous: EndsSnapshot,
  current: EndsSnapshot,
): Record<string, number> {
  const seconds = (current.at - previous.at) / 1_000;
  const rates: Record<string, number> = {};
  if (seconds <= 0) return rates;
  for (const [topic, total] of Object.entries(current.totals)) {
    const before = previous.totals[topic];
    if (before === undefined) continue;
    rates[topic] = Math.max(0, total - before) / seconds;
  }
  return rates;
}

/**
 * Consumer lag: records the group has yet to read, summed over the partitions of the topics it
 * reads. A partition with no committed offset counts from its earliest offset.
 */
export function consumerLag(
  ends: readonly TopicEnd[],
  committed: readonly CommittedOffset[],
): number {
  const position = new Map(committed.map((entry) => [`${entry.topic}:${entry.partition}`, entry]));
  let lag = 0;
  for (const end of ends) {
    const entry = position.get(`${end.topic}:${end.partition}`);
    const from = entry && entry.offset >= 0 ? entry.offset : end.low;
    lag += Math.max(0, end.high - from);
  }
  return lag;
}
