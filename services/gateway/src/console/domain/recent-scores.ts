/** One bin of a score histogram over [0, 1]. */
export interface ScoreBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/**
 * The most recent prediction scores, in a ring of fixed capacity: the live view's score
 * distribution and prediction count. Time arrives as data (epoch ms).
 */
export class RecentScores {
  private readonly scores: Float64Array;
  private readonly times: Float64Array;
  private next = 0;
  private size = 0;
  private total = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`capacity must be a positive whole number (got ${capacity})`);
    this.scores = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  /** Every score ever added, including those the ring has dropped. */
  get count(): number {
    return this.total;
  }

  add(score: number, at: number): void {
    if (!Number.isFinite(score)) return;
    this.scores[this.next] = score;
    this.times[this.next] = at;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    this.total++;
  }

  /**
   * Equal-width bins over [0, 1] of the scores held (the last bin includes 1), optionally only
   * those at or after `since`.
   */
  histogram(bins: number, since = Number.NEGATIVE_INFINITY): ScoreBin[] {
    if (!Number.isInteger(bins) || bins < 1)
      throw new Error(`bins must be a positive whole number (got ${bins})`);
    const counts = new Array<number>(bins).fill(0);
    for (let index = 0; index < this.size; index++) {
      if (this.times[index] < since) continue;
      const score = Math.min(1, Math.max(0, this.scores[index]));
      counts[Math.min(bins - 1, Math.floor(score * bins))]++;
    }
    return counts.map((count, bin) => ({ lower: bin / bins, upper: (bin + 1) / bins, count }));
  }
}
