import type { ReadmissionClass } from '@readmit/contracts';
import { brierScore, rocAuc, type ReadmissionTarget } from '@readmit/ml';
import { quantile, scoreDistribution } from './score-distribution';
import { compareVersions, type VersionScores } from './version-comparison';

/** Encounter `id` as the log names it: a pseudonym-like key (opaque text to the comparison). */
const key = (id: number) => `enc_${id}`;

/** A map keyed by encounter, from entries keyed by number. */
const byEncounter = <V>(entries: ReadonlyArray<readonly [number, V]>) =>
  new Map(entries.map(([id, value]) => [key(id), value]));

function version(
  name: string,
  scores: ReadonlyArray<[number, number]>,
  threshold = 0.5,
  target: ReadmissionTarget = 'any',
): VersionScores {
  return { version: name, threshold, target, scores: byEncounter(scores) };
}

const ids = (count: number) => Array.from({ length: count }, (_, index) => index + 1);

describe('scoreDistribution', () => {
  it('counts, mean, interpolated quantiles, positive rate and histogram', () => {
    // 0.05, 0.15, …, 0.95: one score per bin.
    const scores = ids(10).map((id) => id / 10 - 0.05);
    const distribution = scoreDistribution(scores, 0.5);
    expect(distribution.count).toBe(10);
    expect(distribution.mean).toBeCloseTo(0.5, 12);
    expect(distribution.p50).toBeCloseTo(0.5, 12);
    // Type 7: position 0.9 between the first two order statistics.
    expect(distribution.p10).toBeCloseTo(0.05 + 0.9 * 0.1, 12);
    expect(distribution.p90).toBeCloseTo(0.85 + 0.1 * 0.1, 12);
    expect(distribution.positiveRate).toBe(0.5);
    expect(distribution.histogram.counts).toEqual(new Array(10).fill(1));
  });

  it('no scores: zero count, NaN statistics', () => {
    const distribution = scoreDistribution([], 0.5);
    expect(distribution.count).toBe(0);
    expect(distribution.mean).toBeNaN();
    expect(distribution.p50).toBeNaN();
    expect(distribution.positiveRate).toBeNaN();
  });

  it('quantile of one value is that value', () => {
    expect(quantile([0.3], 0.9)).toBe(0.3);
  });
});

describe('compareVersions', () => {
  const outcomes = byEncounter<ReadmissionClass>([
    [1, 'NO'],
    [2, 'WITHIN_30_DAYS'],
    [3, 'AFTER_30_DAYS'],
    [4, 'NO'],
  ]);

  it('identical scores: PSI 0, no difference, full agreement, equal AUCs with p = 1', () => {
    const scores: Array<[number, number]> = [
      [1, 0.1],
      [2, 0.8],
      [3, 0.6],
      [4, 0.7],
    ];
    const comparison = compareVersions(version('v1', scores), version('v2', scores), outcomes);
    expect(comparison.both).toBe(4);
    expect(comparison.onlyA).toBe(0);
    expect(comparison.onlyB).toBe(0);
    expect(comparison.psi).toBe(0);
    expect(comparison.meanAbsoluteDifference).toBe(0);
    expect(comparison.labelAgreement).toBe(1);
    expect(comparison.outcomes?.a.rocAuc).toBe(comparison.outcomes?.b.rocAuc);
    expect(comparison.outcomes?.aucDifference?.difference).toBe(0);
    expect(comparison.outcomes?.aucDifference?.pValue).toBe(1);
  });

  it('a known AUC and Brier score, with labels following each target', () => {
    const a = version('v1', [
      [1, 0.1],
      [2, 0.8],
      [3, 0.6],
      [4, 0.7],
    ]);
    const comparison = compareVersions(a, a, outcomes);
    // Any readmission: positives 2 (0.8) and 3 (0.6), negatives 1 (0.1) and 4 (0.7):
    // pairs ordered 0.8>0.1, 0.8>0.7, 0.6>0.1, 0.6<0.7 → 3/4.
    expect(comparison.outcomes?.labelled).toBe(4);
    expect(comparison.outcomes?.a.positives).toBe(2);
    expect(comparison.outcomes?.a.rocAuc).toBe(0.75);
    expect(comparison.outcomes?.a.brier).toBeCloseTo((0.01 + 0.04 + 0.16 + 0.49) / 4, 12);

    // Within 30 days: only encounter 2 is positive, and it outranks every negative.
    const within = compareVersions(a, { ...a, version: 'v2', target: 'within-30-days' }, outcomes);
    expect(within.outcomes?.b.positives).toBe(1);
    expect(within.outcomes?.b.rocAuc).toBe(1);
    // Different targets: different labels, so no paired test.
    expect(within.outcomes?.aucDifference).toBeNull();
  });

  it('encounters scored by one version only are counted, and kept out of paired measures', () => {
    const a = version('v1', [
      [1, 0.2],
      [2, 0.9],
      [5, 0.4],
    ]);
    const b = version('v2', [
      [1, 0.4],
      [2, 0.3],
      [6, 0.1],
      [7, 0.1],
    ]);
    const comparison = compareVersions(a, b, outcomes);
    expect(comparison.both).toBe(2);
    expect(comparison.onlyA).toBe(1);
    expect(comparison.onlyB).toBe(2);
    expect(comparison.a.distribution.count).toBe(3);
    expect(comparison.b.distribution.count).toBe(4);
    expect(comparison.meanAbsoluteDifference).toBeCloseTo((0.2 + 0.6) / 2, 12);
    // Encounter 1: both negative; encounter 2: A positive (0.9), B negative (0.3).
    expect(comparison.labelAgreement).toBe(0.5);
    expect(comparison.outcomes?.labelled).toBe(2);
    expect(comparison.outcomes?.b.rocAuc).toBe(0);
  });

  it('labels are taken at each version’s own threshold', () => {
    const a = version('v1', [[1, 0.35]], 0.3);
    const b = version('v2', [[1, 0.45]], 0.5);
    const comparison = compareVersions(a, b, new Map());
    expect(comparison.labelAgreement).toBe(0);
    expect(comparison.a.distribution.positiveRate).toBe(1);
    expect(comparison.b.distribution.positiveRate).toBe(0);
    expect(comparison.outcomes).toBeNull();
  });

  it('PSI grows with the shift of B’s scores, and agrees with metrics computed directly', () => {
    const a = version(
      'v1',
      ids(200).map((id) => [id, (id % 100) / 100] as [number, number]),
    );
    const shifted = version(
      'v2',
      ids(200).map((id) => [id, Math.min(1, (id % 100) / 100 + 0.3)] as [number, number]),
    );
    const slightly = version(
      'v3',
      ids(200).map((id) => [id, Math.min(1, (id % 100) / 100 + 0.05)] as [number, number]),
    );
    const labels = byEncounter<ReadmissionClass>(
      ids(200).map((id) => [id, id % 3 === 0 ? 'AFTER_30_DAYS' : 'NO']),
    );
    const far = compareVersions(a, shifted, labels);
    const near = compareVersions(a, slightly, labels);
    expect(far.psi).toBeGreaterThan(0.25);
    expect(near.psi).toBeGreaterThan(0);
    expect(near.psi).toBeLessThan(far.psi ?? 0);
    expect(far.meanAbsoluteDifference).toBeGreaterThan(0.25);
    const binary = Uint8Array.from(ids(200), (id) => (id % 3 === 0 ? 1 : 0));
    const scoresB = Float64Array.from(ids(200), (id) => shifted.scores.get(key(id)) ?? 0);
    expect(far.outcomes?.b.rocAuc).toBeCloseTo(rocAuc(binary, scoresB), 12);
    expect(far.outcomes?.b.brier).toBeCloseTo(brierScore(binary, scoresB), 12);
    expect(far.outcomes?.aucDifference?.aucB).toBeCloseTo(rocAuc(binary, scoresB), 12);
  });

  it('does not depend on the order the predictions were read in', () => {
    const pairs = ids(50).map((id) => [id, ((id * 37) % 100) / 100] as [number, number]);
    const other = ids(50).map((id) => [id, ((id * 53) % 100) / 100] as [number, number]);
    const labels = byEncounter<ReadmissionClass>(
      ids(50).map((id) => [id, id % 4 === 0 ? 'WITHIN_30_DAYS' : 'NO']),
    );
    const forward = compareVersions(version('v1', pairs), version('v2', other), labels);
    const backward = compareVersions(
      version('v1', [...pairs].reverse()),
      version('v2', [...other].reverse()),
      labels,
    );
    expect(backward).toEqual(forward);
  });

  it('a version with no scores: no PSI, nothing shared', () => {
    const comparison = compareVersions(version('v1', [[1, 0.5]]), version('v2', []), outcomes);
    expect(comparison.psi).toBeNull();
    expect(comparison.both).toBe(0);
    expect(comparison.onlyA).toBe(1);
    expect(comparison.meanAbsoluteDifference).toBeNull();
    expect(comparison.labelAgreement).toBeNull();
    expect(comparison.outcomes).toBeNull();
  });
});
