/**
 * How a count-based window moves: it holds the last `rows` items and is assessed every `slide`
 * new items once full. `slide === rows` makes windows that do not overlap (tumbling); a smaller
 * slide makes them overlap (sliding: 5,000 / 1,000 assesses the last 5,000 every 1,000).
 */
export interface WindowSettings {
  readonly rows: number;
  readonly slide: number;
}

/** A full window, handed out for assessment: its items oldest first and its event-time bounds. */
export interface CompletedWindow<T> {
  readonly items: readonly T[];
  /** Earliest and latest event time (epoch ms) of the items: not the first's and last's. */
  readonly start: number;
  readonly end: number;
}

export function assertWindowSettings(settings: WindowSettings): void {
  const { rows, slide } = settings;
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`window rows must be ≥ 1 (got ${rows})`);
  if (!Number.isInteger(slide) || slide < 1 || slide > rows)
    throw new Error(`window slide must be between 1 and the window's ${rows} rows (got ${slide})`);
}

/**
 * The last `rows` items in a ring buffer, with their event times. Memory stays at one window
 * whatever the slide; a completed window copies the items out, so it outlives later adds.
 */
export class CountWindow<T> {
  private readonly items: T[];
  private readonly times: Float64Array;
  /** Where the next item goes; once full, also where the oldest item is. */
  private next = 0;
  private filled = 0;
  private sinceAssessed = 0;

  constructor(private readonly settings: WindowSettings) {
    assertWindowSettings(settings);
    this.items = new Array<T>(settings.rows);
    this.times = new Float64Array(settings.rows);
  }

  /** Items held now (at most `rows`). */
  get size(): number {
    return this.filled;
  }

  /** Adds an item; returns the window when this item completes one, else null. */
  add(item: T, time: number): CompletedWindow<T> | null {
    const { rows, slide } = this.settings;
    this.items[this.next] = item;
    this.times[this.next] = time;
    this.next = (this.next + 1) % rows;
    if (this.filled < rows) this.filled += 1;
    this.sinceAssessed += 1;
    if (this.filled < rows || this.sinceAssessed < slide) return null;
    this.sinceAssessed = 0;
    return this.snapshot();
  }

  /**
   * Puts `replacement` in the place of `item` (the same object) if the window still holds it:
   * later windows see the replacement, windows already handed out keep what they had. Returns
   * whether it was held.
   */
  replace(item: T, replacement: T): boolean {
    for (let slot = 0; slot < this.filled; slot++) {
      if (this.items[slot] !== item) continue;
      this.items[slot] = replacement;
      return true;
    }
    return false;
  }

  /** Forgets every item: the next window starts from nothing. */
  reset(): void {
    // Let go of the old items (the slots are only read once refilled).
    this.items.fill(undefined as T);
    this.next = 0;
    this.filled = 0;
    this.sinceAssessed = 0;
  }

  private snapshot(): CompletedWindow<T> {
    // Full, so the oldest item sits where the next one will go.
    const items = [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    let start = Infinity;
    let end = -Infinity;
    for (const time of this.times) {
      if (time < start) start = time;
      if (time > end) end = time;
    }
    return { items, start, end };
  }
}
