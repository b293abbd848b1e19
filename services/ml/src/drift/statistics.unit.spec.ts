import { SeededRandom } from '../random/seeded-random';
import { histogram } from './reference-profile';
import {
  binnedStandardDeviation,
  binRepresentatives,
  chiSquareHomogeneity,
  kolmogorovSmirnovBinned,
  kolmogorovSmirnovSamples,
  normalisedWassersteinBinned,
  normalisedWassersteinNoise,
  wassersteinBinned,
  wassersteinSamples,
} from './statistics';

describe('kolmogorovSmirnovBinned', () => {
  it('gives D = 0 and p = 1 for identical distributions, whatever the sizes', () => {
    const result = kolmogorovSmirnovBinned([10, 20, 30, 40], [100, 200, 300, 400]);
    expect(result.statistic).toBeCloseTo(0, 15);
    expect(result.pValue).toBe(1);
    expect(result.effectiveSize).toBeCloseTo((100 * 1_000) / 1_100, 12);
  });

  it('matches a value computed by hand on a clear shift', () => {
    // CDFs at the edges: reference 0.5, 0.8; window 0.2, 0.5 → D = 0.3. Effective n = 50, so
    // λ = 0.3·√50 (λ² = 4.5) and p = 2(e^−9 − e^−36 + …) = 2.468196081728956e-4.
    const result = kolmogorovSmirnovBinned([50, 30, 20], [20, 30, 50]);
    expect(result.statistic).toBeCloseTo(0.3, 14);
    expect(result.effectiveSize).toBe(50);
    expect(result.pValue).toBeCloseTo(2.468196081728956e-4, 15);
  });

  it('agrees with the exact-sample version when the bins hold single values', () => {
    const random = new SeededRandom(3);
    const first = Array.from({ length: 400 }, () => random.int(6));
    const second = Array.from({ length: 300 }, () => Math.min(5, random.int(6) + 1));
    const edges = [0, 1, 2, 3, 4];
    const binned = kolmogorovSmirnovBinned(
      histogram('x', edges, first).counts,
      histogram('x', edges, second).counts,
    );
    expect(binned).toEqual(kolmogorovSmirnovSamples(first, second));
    expect(binned.pValue).toBeLessThan(0.01);
  });

  it('refuses mismatched or empty sides', () => {
    expect(() => kolmogorovSmirnovBinned([1, 2], [1, 2, 3])).toThrow(/same bins/);
    expect(() => kolmogorovSmirnovBinned([0, 0], [1, 2])).toThrow(/counts on both sides/);
  });
});

describe('kolmogorovSmirnovSamples', () => {
  it('gives D = 1 for disjoint samples, with the asymptotic p-value', () => {
    // n = m = 5: effective n 2.5, λ = √2.5, p = 2(e^−5 − e^−20 + …) = 0.013475889875863676.
    const result = kolmogorovSmirnovSamples([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeCloseTo(0.013475889875863676, 14);
  });

  it('handles ties: the CDFs are compared after all copies of a value', () => {
    // After 1: 2/4 vs 1/4; after 2: 3/4 vs 3/4; after 3: 1 vs 1 → D = 0.25.
    expect(kolmogorovSmirnovSamples([1, 1, 2, 3], [1, 2, 2, 3]).statistic).toBe(0.25);
    expect(kolmogorovSmirnovSamples([4, 4], [4]).statistic).toBe(0);
  });
});

describe('chiSquareHomogeneity', () => {
  it('matches a 2 × 3 table worked by hand', () => {
    // Column totals 50, 60, 90 of 200; each row 100 → expected 25, 30, 45 in both rows.
    // χ² = 2·(5²/25 + 0 + 5²/45) = 3.1111; df 2 → p = e^(−χ²/2) = 0.21107208779109.
    const result = chiSquareHomogeneity([20, 30, 50], [30, 30, 40]);
    expect(result.statistic).toBeCloseTo(28 / 9, 12);
    expect(result.degreesOfFreedom).toBe(2);
    expect(result.pValue).toBeCloseTo(0.21107208779109, 12);
  });

  it('matches the textbook 2 × 2 case at the 5% critical value', () => {
    // For [[a, b], [c, d]], χ² = N(ad − bc)² / (row₁·row₂·col₁·col₂):
    // 400·(110·110 − 90·90)² / 200⁴ = 4, and P(χ²₁ ≥ 4) = erfc(√2) = 0.0455.
    const result = chiSquareHomogeneity([110, 90], [90, 110]);
    expect(result.statistic).toBeCloseTo(4, 12);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.pValue).toBeCloseTo(0.0455, 4);
  });

  it('drops categories empty on both sides, and gives p = 1 with a single category', () => {
    expect(chiSquareHomogeneity([20, 0, 30, 50], [30, 0, 30, 40])).toEqual(
      chiSquareHomogeneity([20, 30, 50], [30, 30, 40]),
    );
    expect(chiSquareHomogeneity([5, 0], [7, 0])).toEqual({
      statistic: 0,
      degreesOfFreedom: 0,
      pValue: 1,
    });
  });

  it('is 0 with p = 1 for proportional counts', () => {
    const result = chiSquareHomogeneity([10, 20, 70], [100, 200, 700]);
    expect(result.statistic).toBeCloseTo(0, 12);
    expect(result.pValue).toBeCloseTo(1, 12);
  });
});

describe('Wasserstein distance on bins', () => {
  it('represents each bin by its upper edge, the open last bin one width beyond', () => {
    expect(binRepresentatives([1, 2, 3])).toEqual([1, 2, 3, 4]);
    expect(binRepresentatives([0, 5])).toEqual([0, 5, 10]);
    expect(binRepresentatives([7])).toEqual([7, 8]);
    expect(binRepresentatives([])).toEqual([0]);
  });

  it('measures a shift of one bin as the distance between representatives', () => {
    // Uniform on {1, 2, 3} against uniform on {2, 3, 4}: every unit of mass moves by 1.
    expect(wassersteinBinned([1, 2, 3], [1, 1, 1, 0], [0, 1, 1, 1])).toBeCloseTo(1, 14);
    expect(wassersteinBinned([1, 2, 3], [1, 1, 1, 0], [3, 3, 3, 0])).toBe(0);
    // Half the mass moves from 1 to 4: 0.5 · 3.
    expect(wassersteinBinned([1, 2, 3], [2, 0, 0, 0], [1, 0, 0, 1])).toBeCloseTo(1.5, 14);
  });

  it('equals the exact distance for integer values that sit on the edges', () => {
    const random = new SeededRandom(9);
    const first = Array.from({ length: 500 }, () => random.int(10));
    const second = Array.from({ length: 700 }, () => Math.min(9, random.int(10) + random.int(3)));
    const edges = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    expect(
      wassersteinBinned(
        edges,
        histogram('x', edges, first).counts,
        histogram('x', edges, second).counts,
      ),
    ).toBeCloseTo(wassersteinSamples(first, second), 12);
  });

  it('normalises by the reference standard deviation, so the scale of the feature cancels', () => {
    // Reference uniform on {1, 2, 3}: σ = √(2/3); a shift by one is 1/σ = 1.2247 deviations.
    expect(binnedStandardDeviation([1, 2, 3], [1, 1, 1, 0])).toBeCloseTo(Math.sqrt(2 / 3), 14);
    expect(normalisedWassersteinBinned([1, 2, 3], [1, 1, 1, 0], [0, 1, 1, 1])).toBeCloseTo(
      Math.sqrt(3 / 2),
      14,
    );
    expect(normalisedWassersteinBinned([100, 200, 300], [1, 1, 1, 0], [0, 1, 1, 1])).toBeCloseTo(
      Math.sqrt(3 / 2),
      14,
    );
  });

  it('handles a reference without spread', () => {
    expect(normalisedWassersteinBinned([], [10], [4])).toBe(0);
    expect(normalisedWassersteinBinned([1], [10, 0], [5, 5])).toBe(Number.POSITIVE_INFINITY);
  });

  it('expects, with no drift, the distance two samples of these sizes are apart on average', () => {
    // A skewed count-like input (most rows 0, a tail to 9), as number_outpatient is.
    const random = new SeededRandom(21);
    const draw = (rows: number) =>
      Array.from({ length: rows }, () => (random.next() < 0.6 ? 0 : 1 + random.int(9)));
    const edges = [0, 1, 2, 4, 6];
    const countsOf = (values: number[]) => histogram('x', edges, values).counts;
    for (const [referenceRows, windowRows] of [
      [2_000, 2_000],
      [20_000, 2_000],
    ]) {
      const distances: number[] = [];
      let expected = 0;
      for (let trial = 0; trial < 300; trial++) {
        const reference = countsOf(draw(referenceRows));
        const window = countsOf(draw(windowRows));
        distances.push(normalisedWassersteinBinned(edges, reference, window));
        expected += normalisedWassersteinNoise(edges, reference, window) / 300;
      }
      const mean = distances.reduce((sum, distance) => sum + distance, 0) / distances.length;
      expect(mean / expected).toBeGreaterThan(0.85);
      expect(mean / expected).toBeLessThan(1.15);
    }
  });

  it('expects less noise from larger samples, and none from a reference without spread', () => {
    const rowsOf = (rows: number) => [0.4, 0.3, 0.2, 0.1].map((share) => share * rows);
    const small = normalisedWassersteinNoise([1, 2, 3], rowsOf(2_000), rowsOf(2_000));
    expect(normalisedWassersteinNoise([1, 2, 3], rowsOf(8_000), rowsOf(8_000))).toBeCloseTo(
      small / 2,
      12,
    );
    expect(normalisedWassersteinNoise([], [10], [10])).toBe(0);
    expect(() => normalisedWassersteinNoise([1], [0, 0], [5, 5])).toThrow(/rows on both sides/);
  });

  it('computes the exact sample distance: ∫|F − G|', () => {
    expect(wassersteinSamples([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 14);
    expect(wassersteinSamples([0, 0, 1], [0, 1, 1])).toBeCloseTo(1 / 3, 14);
    expect(wassersteinSamples([2], [2, 2])).toBe(0);
  });
});
