import { createDenseMatrix } from '../matrix/dense-matrix';
import { SeededRandom } from '../random/seeded-random';
import { fitBinning } from './binning';
import { binningFromSummary, mergeBinningSummaries, summarizeForBinning } from './binning-summary';

function table(rows: number, seed: number) {
  const random = new SeededRandom(seed);
  const values = new Float32Array(rows * 3);
  for (let row = 0; row < rows; row++)
    values.set(
      [random.int(40), random.next() < 0.1 ? Number.NaN : random.int(3), random.next() * 100],
      row * 3,
    );
  return createDenseMatrix(rows, 3, values);
}

describe('binning summaries', () => {
  const parts = [table(700, 1), table(500, 2), table(900, 3)];
  const union = createDenseMatrix(
    2100,
    3,
    Float32Array.from(parts.flatMap((part) => Array.from(part.values))),
  );

  it("merge into the union's value counts, missing values left out", () => {
    const merged = mergeBinningSummaries(parts.map((part) => summarizeForBinning(part)));
    expect(merged).toEqual(summarizeForBinning(union));
    const observed = merged.columns[1].counts.reduce((a, b) => a + b, 0);
    expect(observed).toBeLessThan(2100);
    expect(merged.columns[1].values).toEqual([0, 1, 2]);
  });

  it('place the thresholds fitBinning places on the union, when no column is pooled', () => {
    const merged = mergeBinningSummaries(parts.map((part) => summarizeForBinning(part)));
    for (const maxBins of [255, 16]) {
      expect(binningFromSummary(merged, { maxBins })).toEqual(fitBinning(union, { maxBins }));
    }
  });

  it('pool a column of many distinct values into at most maxDistinct, keeping every row', () => {
    const summary = summarizeForBinning(union, { maxDistinct: 50 });
    const continuous = summary.columns[2];
    expect(continuous.values.length).toBeLessThanOrEqual(50);
    expect(continuous.counts.reduce((a, b) => a + b, 0)).toBe(2100);
    expect([...continuous.values].sort((a, b) => a - b)).toEqual(continuous.values);
    // Columns with few values stay exact.
    expect(summary.columns[0].values).toHaveLength(40);
    const thresholds = binningFromSummary(summary, { maxBins: 16 }).thresholds[2];
    expect(thresholds.length).toBeGreaterThan(10);
  });

  it('refuse summaries of different widths and a bad maxBins', () => {
    expect(() => mergeBinningSummaries([summarizeForBinning(parts[0]), { columns: [] }])).toThrow(
      /3 and 0 columns/,
    );
    expect(() => binningFromSummary(summarizeForBinning(parts[0]), { maxBins: 1 })).toThrow(
      /maxBins/,
    );
  });
});
