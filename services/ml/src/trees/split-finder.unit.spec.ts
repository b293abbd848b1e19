import { createDenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import { applyBinning, fitBinning, MISSING_BIN } from './binning';
import { buildHistogram, createHistogramLayout } from './histogram';
import { findBestSplit, SplitParams } from './split-finder';

const loose: SplitParams = { lambda: 1, minChildWeight: 0, minSamplesLeaf: 1, minSplitGain: 0 };

/** Builds the root histogram of the given columns, with gradient g(row) and hessian 0.25. */
function rootOf(columns: number[][], gradient: (row: number) => number) {
  const rows = columns[0].length;
  const values = new Float32Array(rows * columns.length);
  columns.forEach((column, c) =>
    column.forEach((v, row) => (values[row * columns.length + c] = v)),
  );
  const data = createDenseMatrix(rows, columns.length, values);
  const binned = applyBinning(fitBinning(data), data);
  const layout = createHistogramLayout(binned);
  const gradients = Float64Array.from({ length: rows }, (_, row) => gradient(row));
  const hessians = new Float64Array(rows).fill(0.25);
  const histogram = new Float64Array(layout.size);
  const order = Uint32Array.from({ length: rows }, (_, row) => row);
  buildHistogram(layout, order, 0, rows, gradients, hessians, histogram);
  const mask = new Uint8Array(columns.length).fill(1);
  return { binned, layout, histogram, gradients, hessians, mask };
}

/** Every split of every feature scored from the raw rows: the best gain there is. */
function bruteForceBest(
  root: ReturnType<typeof rootOf>,
  params: SplitParams,
): { gain: number; feature: number; bin: number; missingGoesLeft: boolean } {
  const { binned, gradients, hessians } = root;
  const score = (g: number, h: number) => (g * g) / (h + params.lambda);
  let best = { gain: params.minSplitGain, feature: -1, bin: 0, missingGoesLeft: false };
  for (let feature = 0; feature < binned.features; feature++) {
    const observed = binned.binCounts[feature] - 1;
    for (let bin = 1; bin <= observed; bin++) {
      for (const missingGoesLeft of [false, true]) {
        let [gl, hl, nl, g, h] = [0, 0, 0, 0, 0];
        for (let row = 0; row < binned.rows; row++) {
          const b = binned.bins[feature * binned.rows + row];
          g += gradients[row];
          h += hessians[row];
          if (b === MISSING_BIN ? missingGoesLeft : b <= bin) {
            gl += gradients[row];
            hl += hessians[row];
            nl++;
          }
        }
        const nr = binned.rows - nl;
        if (nl < params.minSamplesLeaf || nr < params.minSamplesLeaf) continue;
        if (hl < params.minChildWeight || h - hl < params.minChildWeight) continue;
        const gain = 0.5 * (score(gl, hl) + score(g - gl, h - hl) - score(g, h));
        if (gain > best.gain + 1e-12) best = { gain, feature, bin, missingGoesLeft };
      }
    }
  }
  return best;
}

describe('findBestSplit', () => {
  const random = new SeededRandom(5);
  const rows = 400;
  const signal = Array.from({ length: rows }, () => random.next());
  const noise = Array.from({ length: rows }, () => random.next());
  const partlyMissing = Array.from({ length: rows }, () =>
    random.next() < 0.25 ? Number.NaN : random.next(),
  );

  it('finds the split with the largest second-order gain', () => {
    const root = rootOf([noise, signal, partlyMissing], (row) =>
      signal[row] > 0.3 ? -0.4 : 0.3 + 0.1 * noise[row],
    );
    const split = findBestSplit(root.histogram, root.layout.offsets, root.mask, loose);
    const best = bruteForceBest(root, loose);
    expect(split).not.toBeNull();
    expect(split?.feature).toBe(1);
    expect(split?.gain).toBeCloseTo(best.gain, 9);
    expect(split?.bin).toBe(best.bin);
    expect((split?.left.count ?? 0) + (split?.right.count ?? 0)).toBe(rows);
  });

  it.each([
    ['left', -0.5, true],
    ['right', 0.5, false],
  ])('sends missing values %s when they behave like that side', (_, missingGradient, left) => {
    // Observed values below 0.5 have gradient −0.5, above +0.5; missing ones as given.
    const root = rootOf([partlyMissing], (row) =>
      Number.isNaN(partlyMissing[row]) ? missingGradient : partlyMissing[row] < 0.5 ? -0.5 : 0.5,
    );
    const split = findBestSplit(root.histogram, root.layout.offsets, root.mask, loose);
    expect(split?.missingGoesLeft).toBe(left);
    expect(split?.gain).toBeCloseTo(bruteForceBest(root, loose).gain, 9);
  });

  it('splits missing from observed when only missingness matters', () => {
    const root = rootOf([partlyMissing], (row) => (Number.isNaN(partlyMissing[row]) ? 0.5 : -0.2));
    const split = findBestSplit(root.histogram, root.layout.offsets, root.mask, loose);
    const observedBins = root.binned.binCounts[0] - 1;
    expect(split).toMatchObject({ feature: 0, bin: observedBins, missingGoesLeft: false });
    expect(split?.right.count).toBe(partlyMissing.filter(Number.isNaN).length);
  });

  it('sends missing values to the heavier side when the node has none', () => {
    const root = rootOf([signal], (row) => (signal[row] > 0.8 ? 1 : -0.2));
    const split = findBestSplit(root.histogram, root.layout.offsets, root.mask, loose);
    expect(split?.left.count).toBeGreaterThan(split?.right.count ?? Infinity);
    expect(split?.missingGoesLeft).toBe(true);
  });

  it('respects minSamplesLeaf, minChildWeight, minSplitGain and the feature mask', () => {
    const root = rootOf([noise, signal], (row) => (signal[row] > 0.95 ? 1 : -0.05));
    const free = findBestSplit(root.histogram, root.layout.offsets, root.mask, loose);
    expect(free?.feature).toBe(1);
    expect(free?.right.count).toBe(signal.filter((v) => v > 0.95).length);

    for (const params of [
      { ...loose, minSamplesLeaf: 50 },
      { ...loose, minChildWeight: 12.5 }, // 50 rows of hessian 0.25
    ]) {
      const split = findBestSplit(root.histogram, root.layout.offsets, root.mask, params);
      expect(Math.min(split?.left.count ?? 0, split?.right.count ?? 0)).toBeGreaterThanOrEqual(50);
      expect(split?.gain).toBeCloseTo(bruteForceBest(root, params).gain, 9);
    }
    const gain = free?.gain ?? 0;
    const params = { ...loose, minSplitGain: gain };
    expect(findBestSplit(root.histogram, root.layout.offsets, root.mask, params)).toBeNull();
    const onlyNoise = Uint8Array.of(1, 0);
    expect(findBestSplit(root.histogram, root.layout.offsets, onlyNoise, loose)?.feature).toBe(0);
  });
});
