import { SeededRandom } from '../random/seeded-random';
import { pairedAucComparison } from './paired-auc';
import { rocAuc } from './ranking';

/** DeLong's variance of AUC_B − AUC_A straight from the definition, O(n²) pairs. */
function bruteForceDeLong(labels: number[], a: number[], b: number[]) {
  const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
  const pos = labels.flatMap((label, row) => (label === 1 ? [row] : []));
  const neg = labels.flatMap((label, row) => (label === 0 ? [row] : []));
  const v10 = (s: number[]) =>
    pos.map((i) => neg.reduce((t, j) => t + psi(s[i], s[j]), 0) / neg.length);
  const v01 = (s: number[]) =>
    neg.map((j) => pos.reduce((t, i) => t + psi(s[i], s[j]), 0) / pos.length);
  const mean = (v: number[]) => v.reduce((t, x) => t + x, 0) / v.length;
  const cov = (x: number[], y: number[]) => {
    const mx = mean(x);
    const my = mean(y);
    return x.reduce((t, _, k) => t + (x[k] - mx) * (y[k] - my), 0) / (x.length - 1);
  };
  const [a10, b10, a01, b01] = [v10(a), v10(b), v01(a), v01(b)];
  const variance =
    (cov(a10, a10) + cov(b10, b10) - 2 * cov(a10, b10)) / pos.length +
    (cov(a01, a01) + cov(b01, b01) - 2 * cov(a01, b01)) / neg.length;
  return { aucA: mean(a10), aucB: mean(b10), standardError: Math.sqrt(variance) };
}

describe('pairedAucComparison (DeLong)', () => {
  it('matches the O(n²) definition, ties included, on random scores', () => {
    const random = new SeededRandom(7);
    const labels = Array.from({ length: 300 }, () => (random.next() < 0.3 ? 1 : 0));
    // Rounded scores make ties; B is A plus noise, so the two are correlated.
    const a = labels.map((label) => Math.round((random.next() + label * 0.4) * 20) / 20);
    const b = a.map((score) => Math.round((score + random.next() * 0.3) * 20) / 20);
    const expected = bruteForceDeLong(labels, a, b);
    const result = pairedAucComparison(labels, a, b);
    expect(result.aucA).toBeCloseTo(rocAuc(labels, a), 12);
    expect(result.aucB).toBeCloseTo(rocAuc(labels, b), 12);
    expect(result.aucA).toBeCloseTo(expected.aucA, 12);
    expect(result.standardError).toBeCloseTo(expected.standardError, 12);
    expect(result.difference).toBeCloseTo(expected.aucB - expected.aucA, 12);
    expect(result.z).toBeCloseTo(result.difference / result.standardError, 12);
  });

  it('a hand-worked case: AUC 1 against AUC 0.75', () => {
    const labels = [1, 1, 0, 0];
    const result = pairedAucComparison(labels, [0.9, 0.8, 0.2, 0.1], [0.9, 0.3, 0.4, 0.1]);
    expect(result.aucA).toBe(1);
    expect(result.aucB).toBe(0.75);
    expect(result.difference).toBe(-0.25);
    expect(result.positives).toBe(2);
    expect(result.negatives).toBe(2);
    // Components of B: positives [1, 0.5], negatives [0.5, 1]; of A all 1 and 0 (no variance).
    // Var = (0.125)/2 + (0.125)/2 = 0.125.
    expect(result.standardError).toBeCloseTo(Math.sqrt(0.125), 12);
  });

  it('identical scores: no difference, p = 1', () => {
    const labels = [1, 0, 1, 0, 0, 1];
    const scores = [0.7, 0.2, 0.4, 0.5, 0.1, 0.9];
    const result = pairedAucComparison(labels, scores, scores);
    expect(result.difference).toBe(0);
    expect(result.standardError).toBe(0);
    expect(result.z).toBe(0);
    expect(result.pValue).toBe(1);
  });

  it('a clearly better model on many rows is significant', () => {
    const random = new SeededRandom(3);
    const labels = Array.from({ length: 2_000 }, () => (random.next() < 0.4 ? 1 : 0));
    const weak = labels.map((label) => random.next() + label * 0.1);
    const strong = labels.map((label) => random.next() + label * 0.8);
    const result = pairedAucComparison(labels, weak, strong);
    expect(result.difference).toBeGreaterThan(0.2);
    expect(result.pValue).toBeLessThan(1e-6);
  });

  it('fewer than two rows of a class: AUCs, but no standard error', () => {
    const result = pairedAucComparison([1, 0, 0], [0.9, 0.1, 0.2], [0.1, 0.9, 0.2]);
    expect(result.aucA).toBe(1);
    expect(result.aucB).toBe(0);
    expect(result.standardError).toBeNaN();
    expect(result.pValue).toBeNaN();
  });
});
