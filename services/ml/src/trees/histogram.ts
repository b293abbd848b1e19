import type { BinnedMatrix } from './binning';

/**
 * Gradient histograms: for one tree node, per feature and per bin, the sum of gradients, the sum
 * of hessians and the row count, which is everything split finding needs.
 *
 * A histogram is one Float64Array over "slots": feature f owns slots offsets[f] … offsets[f+1]−1,
 * one per bin (slot offsets[f] + bin), and slot s stores [Σg, Σh, count] at 3s, 3s+1, 3s+2.
 * After the last feature's slots come the node's totals [G, H, count].
 *
 * Most columns of a one-hot table hold the same bin in nearly every row. Rows are therefore
 * stored as lists of their non-default bins only (each feature's default being its most frequent
 * bin), and a default bin's sums are recovered as the node total minus the feature's other bins.
 * On one-hot data that skips most of the work.
 */
export interface HistogramLayout {
  readonly features: number;
  /** Feature f's first slot; offsets[features] is the number of slots. */
  readonly offsets: Int32Array;
  /** Each feature's most frequent bin, the one left out of the row lists. */
  readonly defaultBins: Uint8Array;
  /** Row r's non-default slots are entries[rowStart[r] … rowStart[r+1]−1]. */
  readonly rowStart: Uint32Array;
  readonly entries: Uint16Array | Uint32Array;
  /** Length of a histogram array: 3 per slot plus the 3 totals. */
  readonly size: number;
}

/**
 * The step gradients and hessians are rounded to when fitting `rows` rows: with |g| ≤ 1 and
 * h ≤ ¼, every sum over those rows is then a multiple of the step below 2^52 steps, which a
 * float64 holds exactly. Sums, and parent − child subtractions, come out the same in any order and
 * from any grouping of the rows: a tree grown from several sites' summed histograms equals the
 * one grown from their union. The rounding (below 10⁻¹⁰ at a million rows) is far under what
 * changes a split.
 */
export function gradientStep(rows: number): number {
  if (!(Number.isInteger(rows) && rows >= 1))
    throw new Error(`rows must be a positive integer (got ${rows})`);
  return 2 ** -(52 - Math.ceil(Math.log2(rows + 1)));
}

/** Values per slot: gradient sum, hessian sum, row count. */
export const SLOT_WIDTH = 3;

/** The index of the node totals [G, H, count] in a histogram of this layout. */
export function totalsIndex(layout: Pick<HistogramLayout, 'size'>): number {
  return layout.size - SLOT_WIDTH;
}

/** Builds the sparse row lists once per training run. */
export function createHistogramLayout(binned: BinnedMatrix): HistogramLayout {
  const { rows, features, bins, binCounts } = binned;
  const { offsets, size } = histogramShape(binCounts);
  const slots = offsets[features];

  const defaultBins = new Uint8Array(features);
  const binFrequency = new Float64Array(256);
  const perRow = new Uint32Array(rows);
  for (let feature = 0; feature < features; feature++) {
    binFrequency.fill(0);
    const column = feature * rows;
    for (let row = 0; row < rows; row++) binFrequency[bins[column + row]]++;
    let mode = 0;
    for (let bin = 1; bin < binCounts[feature]; bin++) {
      if (binFrequency[bin] > binFrequency[mode]) mode = bin;
    }
    defaultBins[feature] = mode;
    for (let row = 0; row < rows; row++) if (bins[column + row] !== mode) perRow[row]++;
  }

  const rowStart = new Uint32Array(rows + 1);
  let total = 0;
  for (let row = 0; row < rows; row++) {
    rowStart[row] = total;
    total += perRow[row];
  }
  if (total > 0xffffffff) throw new Error(`Too many non-default bins to index (${total})`);
  rowStart[rows] = total;

  // Filled feature by feature, so each row's entries come out in increasing slot order.
  const entries = slots <= 0x10000 ? new Uint16Array(total) : new Uint32Array(total);
  const cursor = rowStart.slice(0, rows);
  for (let feature = 0; feature < features; feature++) {
    const column = feature * rows;
    const mode = defaultBins[feature];
    const offset = offsets[feature];
    for (let row = 0; row < rows; row++) {
      const bin = bins[column + row];
      if (bin !== mode) entries[cursor[row]++] = offset + bin;
    }
  }
  return { features, offsets, defaultBins, rowStart, entries, size };
}

/** Where each feature's slots start, and the histogram's length, for these bins per feature. */
export function histogramShape(binCounts: Int32Array): Pick<HistogramLayout, 'offsets' | 'size'> {
  const features = binCounts.length;
  const offsets = new Int32Array(features + 1);
  for (let feature = 0; feature < features; feature++) {
    offsets[feature + 1] = offsets[feature] + binCounts[feature];
  }
  return { offsets, size: (offsets[features] + 1) * SLOT_WIDTH };
}

/**
 * The histogram of the rows rows[start … end−1] into target (overwritten). gradients and
 * hessians are indexed by row.
 */
export function buildHistogram(
  layout: HistogramLayout,
  rows: Uint32Array,
  start: number,
  end: number,
  gradients: Float64Array,
  hessians: Float64Array,
  target: Float64Array,
): void {
  const { rowStart, entries, offsets, defaultBins, features } = layout;
  target.fill(0);
  let gradientSum = 0;
  let hessianSum = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i];
    const gradient = gradients[row];
    const hessian = hessians[row];
    gradientSum += gradient;
    hessianSum += hessian;
    for (let j = rowStart[row], stop = rowStart[row + 1]; j < stop; j++) {
      const slot = entries[j] * SLOT_WIDTH;
      target[slot] += gradient;
      target[slot + 1] += hessian;
      target[slot + 2]++;
    }
  }
  const totals = totalsIndex(layout);
  const count = end - start;
  target[totals] = gradientSum;
  target[totals + 1] = hessianSum;
  target[totals + 2] = count;

  // Each default bin holds whatever the feature's other bins do not.
  for (let feature = 0; feature < features; feature++) {
    let g = 0;
    let h = 0;
    let n = 0;
    const last = offsets[feature + 1] * SLOT_WIDTH;
    for (let slot = offsets[feature] * SLOT_WIDTH; slot < last; slot += SLOT_WIDTH) {
      g += target[slot];
      h += target[slot + 1];
      n += target[slot + 2];
    }
    const slot = (offsets[feature] + defaultBins[feature]) * SLOT_WIDTH;
    target[slot] = gradientSum - g;
    target[slot + 1] = hessianSum - h;
    target[slot + 2] = count - n;
  }
}

/**
 * target = parent − child: the sibling's histogram without touching its rows. Building only the
 * smaller child and subtracting halves the work per level at least. target may be parent.
 */
export function subtractHistogram(
  parent: Float64Array,
  child: Float64Array,
  target: Float64Array,
): void {
  for (let i = 0; i < target.length; i++) target[i] = parent[i] - child[i];
}

/** Reuses histogram arrays across nodes and trees, so growing a tree allocates none. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly size: number) {}

  acquire(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.size);
  }

  release(histogram: Float64Array): void {
    this.free.push(histogram);
  }
}
