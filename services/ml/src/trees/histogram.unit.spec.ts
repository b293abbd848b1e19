import { createDenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import { applyBinning, BinnedMatrix, fitBinning } from './binning';
import {
  buildHistogram,
  createHistogramLayout,
  gradientStep,
  HistogramLayout,
  HistogramPool,
  SLOT_WIDTH,
  subtractHistogram,
  totalsIndex,
} from './histogram';

/** Numeric, one-hot, small-integer and partly missing columns. */
function mixedBinned(rows: number, seed: number): BinnedMatrix {
  const random = new SeededRandom(seed);
  const columns = 6;
  const values = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    const category = random.int(3);
    values.set(
      [
        random.next() * 10,
        category === 0 ? 1 : 0,
        category === 1 ? 1 : 0,
        random.int(5),
        random.next() < 0.2 ? Number.NaN : random.next(),
        random.next() < 0.95 ? 1 : 0, // the default bin is the one of value 1 here
      ],
      row * columns,
    );
  }
  const data = createDenseMatrix(rows, columns, values);
  return applyBinning(fitBinning(data, { maxBins: 16 }), data);
}

/** The histogram straight from the definition, every feature and bin counted row by row. */
function naiveHistogram(
  binned: BinnedMatrix,
  layout: HistogramLayout,
  rows: ArrayLike<number>,
  gradients: Float64Array,
  hessians: Float64Array,
): Float64Array {
  const histogram = new Float64Array(layout.size);
  const totals = totalsIndex(layout);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let feature = 0; feature < binned.features; feature++) {
      const slot =
        (layout.offsets[feature] + binned.bins[feature * binned.rows + row]) * SLOT_WIDTH;
      histogram[slot] += gradients[row];
      histogram[slot + 1] += hessians[row];
      histogram[slot + 2] += 1;
    }
    histogram[totals] += gradients[row];
    histogram[totals + 1] += hessians[row];
    histogram[totals + 2] += 1;
  }
  return histogram;
}

function expectClose(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > 1e-9 * Math.max(1, Math.abs(expected[i]))) {
      throw new Error(`index ${i}: ${actual[i]} differs from ${expected[i]}`);
    }
  }
}

describe('gradient histograms', () => {
  const rowCount = 3000;
  const binned = mixedBinned(rowCount, 11);
  const layout = createHistogramLayout(binned);
  const random = new SeededRandom(12);
  const gradients = Float64Array.from({ length: rowCount }, () => random.next() - 0.5);
  const hessians = Float64Array.from({ length: rowCount }, () => 0.25 * random.next());
  // A node: a random half of the rows, in increasing order as the trainer keeps them.
  const nodeRows = Uint32Array.from(
    Array.from({ length: rowCount }, (_, row) => row).filter(() => random.next() < 0.5),
  );

  it('lists only non-default bins per row, the default being each feature’s most frequent', () => {
    const expectedDefaults = [];
    let nonDefault = 0;
    for (let feature = 0; feature < binned.features; feature++) {
      const counts = new Array(binned.binCounts[feature]).fill(0);
      for (let row = 0; row < rowCount; row++) counts[binned.bins[feature * rowCount + row]]++;
      const mode = counts.indexOf(Math.max(...counts));
      expectedDefaults.push(mode);
      nonDefault += rowCount - counts[mode];
    }
    expect(Array.from(layout.defaultBins)).toEqual(expectedDefaults);
    expect(layout.defaultBins[5]).toBe(2); // value 1 in its column: bins missing, 0, 1
    expect(layout.entries.length).toBe(nonDefault);
    expect(layout.rowStart[rowCount]).toBe(nonDefault);
  });

  it('equals the row-by-row definition, default bins included', () => {
    const histogram = new Float64Array(layout.size).fill(Number.NaN);
    buildHistogram(layout, nodeRows, 0, nodeRows.length, gradients, hessians, histogram);
    expectClose(histogram, naiveHistogram(binned, layout, nodeRows, gradients, hessians));
  });

  it('gives the sibling by subtraction as if built directly', () => {
    const parent = new Float64Array(layout.size);
    buildHistogram(layout, nodeRows, 0, nodeRows.length, gradients, hessians, parent);
    // Partition the node as the trainer does: left rows first, same buffer.
    const left = Array.from(nodeRows).filter((row) => binned.bins[3 * rowCount + row] <= 2);
    const right = Array.from(nodeRows).filter((row) => binned.bins[3 * rowCount + row] > 2);
    const partitioned = Uint32Array.from([...left, ...right]);

    const leftHistogram = new Float64Array(layout.size);
    buildHistogram(layout, partitioned, 0, left.length, gradients, hessians, leftHistogram);
    const direct = new Float64Array(layout.size);
    buildHistogram(
      layout,
      partitioned,
      left.length,
      partitioned.length,
      gradients,
      hessians,
      direct,
    );
    subtractHistogram(parent, leftHistogram, parent);

    expectClose(parent, direct);
    expectClose(direct, naiveHistogram(binned, layout, right, gradients, hessians));
    // Counts are integers in float64, so they subtract exactly.
    for (let slot = 2; slot < layout.size; slot += SLOT_WIDTH)
      expect(parent[slot]).toBe(direct[slot]);
  });

  describe('with gradients rounded to gradientStep', () => {
    const step = gradientStep(rowCount);
    const round = (values: Float64Array) => values.map((value) => Math.round(value / step) * step);
    // Full-precision values, as p − y and p(1 − p) are (the random ones above are multiples of
    // 2⁻³², which any grouping sums exactly already).
    const fullGradients = gradients.map((value) => Math.tanh(3 * value) / 3);
    const fullHessians = hessians.map((value) => Math.sqrt(value) / 7);
    const exactGradients = round(fullGradients);
    const exactHessians = round(fullHessians);
    /** The histogram of `rows` built on a table of its own, as a site holding only them would. */
    const histogramOf = (rows: Uint32Array, g: Float64Array, h: Float64Array) => {
      const target = new Float64Array(layout.size);
      buildHistogram(layout, rows, 0, rows.length, g, h, target);
      return target;
    };

    it('is a power of two that leaves room for the sums of that many rows', () => {
      expect(gradientStep(1)).toBe(2 ** -51);
      expect(gradientStep(100_000)).toBe(2 ** -35);
      expect(gradientStep(rowCount) * rowCount).toBeLessThan(2 ** -1);
      expect(() => gradientStep(0)).toThrow(/positive integer/);
    });

    it('sums the same, bit for bit, however the rows are split into parts and added up', () => {
      const whole = histogramOf(nodeRows, exactGradients, exactHessians);
      // Three "sites" holding interleaved thirds of the node's rows, summed in another order.
      const parts = [0, 1, 2].map((part) => nodeRows.filter((_, i) => i % 3 === part));
      const summed = new Float64Array(layout.size);
      for (const part of [parts[2], parts[0], parts[1]]) {
        const histogram = histogramOf(part, exactGradients, exactHessians);
        for (let i = 0; i < summed.length; i++) summed[i] += histogram[i];
      }
      expect(summed).toEqual(whole);
      // Subtraction is exact too: whole − one part is the sum of the others.
      const rest = new Float64Array(layout.size);
      subtractHistogram(whole, histogramOf(parts[0], exactGradients, exactHessians), rest);
      const others = histogramOf(
        Uint32Array.from([...parts[1], ...parts[2]].sort((a, b) => a - b)),
        exactGradients,
        exactHessians,
      );
      expect(rest).toEqual(others);
    });

    it('is needed: unrounded gradients sum differently in another grouping', () => {
      const [g, h] = [fullGradients, fullHessians];
      const whole = histogramOf(nodeRows, g, h);
      const summed = new Float64Array(layout.size);
      for (const part of [0, 1, 2].map((p) => nodeRows.filter((_, i) => i % 3 === p))) {
        const histogram = histogramOf(part, g, h);
        for (let i = 0; i < summed.length; i++) summed[i] += histogram[i];
      }
      expect(summed).not.toEqual(whole);
    });
  });

  it('reuses released arrays', () => {
    const pool = new HistogramPool(layout.size);
    const first = pool.acquire();
    pool.release(first);
    expect(pool.acquire()).toBe(first);
    expect(pool.acquire()).not.toBe(first);
  });
});
