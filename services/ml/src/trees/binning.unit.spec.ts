import { createDenseMatrix, DenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import {
  applyBinning,
  binOf,
  FLOAT32_MAX,
  fitBinning,
  MISSING_BIN,
  splitThreshold,
} from './binning';

function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

/** One column per generator, `rows` rows. */
function columnsOf(rows: number, generators: ((row: number) => number)[]): DenseMatrix {
  const columns = generators.length;
  const values = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    generators.forEach((generate, column) => (values[row * columns + column] = generate(row)));
  }
  return createDenseMatrix(rows, columns, values);
}

/** Columns that stress the binning: continuous, ties, tiny gaps, signed zeros, NaN. */
function awkwardData(rows: number, seed: number): DenseMatrix {
  const random = new SeededRandom(seed);
  const nextUp = (x: number) => x + 2 ** -23 * 2 ** Math.floor(Math.log2(x));
  return columnsOf(rows, [
    () => gaussian(random),
    () => (random.next() < 0.6 ? 0 : gaussian(random) * 1e3),
    () => random.int(7) - 3,
    () => [1, nextUp(1), nextUp(nextUp(1)), 2][random.int(4)],
    () => (random.next() < 0.5 ? -0 : 0),
    () => (random.next() < 0.3 ? Number.NaN : random.next() * 1e-30),
    () => (random.next() < 0.5 ? 1 : 0),
    () => 5,
    () => Number.NaN,
  ]);
}

describe('fitBinning', () => {
  const data = awkwardData(5000, 7);
  const binning = fitBinning(data, { maxBins: 32 });

  it('gives float32, strictly increasing thresholds', () => {
    for (const thresholds of binning.thresholds) {
      thresholds.forEach((threshold, j) => {
        expect(Math.fround(threshold)).toBe(threshold);
        if (j > 0) expect(threshold).toBeGreaterThan(thresholds[j - 1]);
      });
    }
  });

  it('routes every training value by `v <= threshold` exactly as its bin', () => {
    const { rows, columns, values } = data;
    for (let column = 0; column < columns; column++) {
      const thresholds = binning.thresholds[column];
      for (let row = 0; row < rows; row++) {
        const value = values[row * columns + column];
        const bin = binOf(thresholds, value);
        if (Number.isNaN(value)) {
          if (bin !== MISSING_BIN) throw new Error(`feature ${column}: NaN in bin ${bin}`);
          continue;
        }
        for (let split = 1; split <= thresholds.length + 1; split++) {
          if (value <= splitThreshold(thresholds, split) !== bin <= split) {
            throw new Error(`feature ${column}, value ${value}, bin ${bin}, split ${split}`);
          }
        }
      }
    }
  });

  it('keeps one bin per distinct value when there are few, even adjacent floats', () => {
    const binsOf = (column: number) => {
      const seen = new Map<number, number>();
      for (let row = 0; row < data.rows; row++) {
        const value = data.values[row * data.columns + column];
        seen.set(value, binOf(binning.thresholds[column], value));
      }
      return seen;
    };
    for (const column of [2, 3, 6]) {
      const bins = binsOf(column);
      expect(new Set(bins.values()).size).toBe(bins.size);
    }
    expect(binning.thresholds[2]).toHaveLength(6); // −3 … 3
    expect(binning.thresholds[3]).toHaveLength(3); // 1, its two float32 successors, and 2
    expect(Array.from(binning.thresholds[6])).toEqual([0.5]);
    expect(binning.thresholds[4]).toHaveLength(0); // −0 and 0 are one value
    expect(binning.thresholds[7]).toHaveLength(0);
    expect(binning.thresholds[8]).toHaveLength(0);
  });

  it('cuts continuous values into at most maxBins roughly equal bins', () => {
    const thresholds = binning.thresholds[0];
    expect(thresholds.length).toBeGreaterThanOrEqual(28);
    expect(thresholds.length).toBeLessThanOrEqual(31);
    const counts = new Array(thresholds.length + 2).fill(0);
    for (let row = 0; row < data.rows; row++) {
      counts[binOf(thresholds, data.values[row * data.columns])]++;
    }
    expect(counts[MISSING_BIN]).toBe(0);
    expect(Math.max(...counts)).toBeLessThan((2 * data.rows) / 32);
  });

  it('gives a heavy value a bin of its own', () => {
    // 60% zeros among wide values: zero must not share its bin with anything else.
    const thresholds = binning.thresholds[1];
    const zeroBin = binOf(thresholds, 0);
    let sharing = 0;
    for (let row = 0; row < data.rows; row++) {
      const value = data.values[row * data.columns + 1];
      if (value !== 0 && binOf(thresholds, value) === zeroBin) sharing++;
    }
    expect(sharing).toBe(0);
  });

  it('places quantiles from a seeded row sample when the data is larger than sampleSize', () => {
    const a = fitBinning(data, { maxBins: 16, sampleSize: 1000, seed: 3 });
    const b = fitBinning(data, { maxBins: 16, sampleSize: 1000, seed: 3 });
    const c = fitBinning(data, { maxBins: 16, sampleSize: 1000, seed: 4 });
    expect(a.thresholds.map((t) => Array.from(t))).toEqual(b.thresholds.map((t) => Array.from(t)));
    expect(Array.from(a.thresholds[0])).not.toEqual(Array.from(c.thresholds[0]));
    expect(a.thresholds[0].length).toBeLessThanOrEqual(15);
  });

  it('rejects a maxBins that does not fit a byte', () => {
    expect(() => fitBinning(data, { maxBins: 256 })).toThrow(/maxBins/);
    expect(() => fitBinning(data, { maxBins: 1 })).toThrow(/maxBins/);
  });
});

describe('applyBinning', () => {
  it('stores bins feature-major, with the missing bin for NaN', () => {
    const data = columnsOf(4, [(row) => row, (row) => (row === 2 ? Number.NaN : 1 - row)]);
    const binning = fitBinning(data);
    const binned = applyBinning(binning, data);
    expect(Array.from(binned.binCounts)).toEqual([5, 4]);
    expect(Array.from(binned.bins)).toEqual([1, 2, 3, 4, 3, 2, 0, 1]);
  });

  it('rejects infinite values, which no float32 threshold can route like their bin', () => {
    const data = columnsOf(3, [(row) => (row === 1 ? Number.POSITIVE_INFINITY : row)]);
    expect(() => applyBinning(fitBinning(data), data)).toThrow(/finite or NaN/);
  });

  it('sends everything observed left at the last split, as x <= FLOAT32_MAX', () => {
    expect(splitThreshold(Float32Array.of(0.5), 2)).toBe(FLOAT32_MAX);
    expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX);
    expect(Math.fround(3.4028235e38 * 1.0000001)).toBe(Number.POSITIVE_INFINITY);
    expect(() => splitThreshold(Float32Array.of(0.5), 3)).toThrow();
  });
});
