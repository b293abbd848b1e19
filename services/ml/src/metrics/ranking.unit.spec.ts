import { SeededRandom } from '../random/seeded-random';
import { prAuc, rocAuc } from './ranking';

/** O(n²) definition of ROC-AUC: correctly ordered positive–negative pairs, ties as 1/2. */
function pairwiseRocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let pairs = 0;
  let ordered = 0;
  for (let p = 0; p < labels.length; p++) {
    if (labels[p] !== 1) continue;
    for (let n = 0; n < labels.length; n++) {
      if (labels[n] !== 0) continue;
      pairs++;
      if (scores[p] > scores[n]) ordered += 1;
      else if (scores[p] === scores[n]) ordered += 0.5;
    }
  }
  return ordered / pairs;
}

/** Average precision straight from its definition: one threshold per distinct score. */
function thresholdByThresholdAveragePrecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): number {
  const thresholds = [...new Set(Array.from(scores))].sort((a, b) => b - a);
  let positives = 0;
  for (let row = 0; row < labels.length; row++) positives += labels[row];
  let previousRecall = 0;
  let averagePrecision = 0;
  for (const threshold of thresholds) {
    let truePositives = 0;
    let flagged = 0;
    for (let row = 0; row < labels.length; row++) {
      if (scores[row] >= threshold) {
        flagged++;
        truePositives += labels[row];
      }
    }
    const recall = truePositives / positives;
    averagePrecision += (recall - previousRecall) * (truePositives / flagged);
    previousRecall = recall;
  }
  return averagePrecision;
}

/** Scores rounded to two decimals, so that ties are common; labels loosely follow the score. */
function randomRows(seed: number, rows: number): { labels: Uint8Array; scores: Float64Array } {
  const random = new SeededRandom(seed);
  const labels = new Uint8Array(rows);
  const scores = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    scores[row] = Math.round(random.next() * 100) / 100;
    labels[row] = random.next() < 0.2 + 0.5 * scores[row] ? 1 : 0;
  }
  return { labels, scores };
}

describe('rocAuc', () => {
  it('matches a value computed by hand', () => {
    // Pairs (pos, neg): (0.35>0.1) (0.35<0.4) (0.8>0.1) (0.8>0.4) → 3 of 4.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('counts tied positive–negative pairs as one half', () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    // Pairs: (0.5 vs 0.5) tie ×2 = 1, (0.5 > 0.1) ×2 = 2 → 3 of 4.
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.1])).toBe(0.75);
    expect(rocAuc([1, 1, 0, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([0, 0, 1, 1, 1], [0.1, 0.2, 0.7, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0, 0], [0.1, 0.2, 0.7, 0.8, 0.9])).toBe(0);
  });

  it('depends only on the order of the scores', () => {
    const { labels, scores } = randomRows(7, 300);
    const logits = scores.map((score) => Math.log((score + 1e-3) / (1.001 - score)));
    const negated = scores.map((score) => -score);
    expect(rocAuc(labels, logits)).toBeCloseTo(rocAuc(labels, scores), 12);
    expect(rocAuc(labels, negated)).toBeCloseTo(1 - rocAuc(labels, scores), 12);
  });

  it('is NaN when only one class is present', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNaN();
    expect(rocAuc([0, 0], [0.2, 0.5])).toBeNaN();
  });

  it('agrees with the brute-force pairwise count on 2,000 random rows with ties', () => {
    const { labels, scores } = randomRows(42, 2000);
    const expected = pairwiseRocAuc(labels, scores);
    expect(expected).toBeGreaterThan(0.6); // the rows carry signal, so the check is not trivial
    expect(expected).toBeLessThan(0.9);
    expect(rocAuc(labels, scores)).toBeCloseTo(expected, 12);
  });

  it('accepts plain arrays and typed arrays alike', () => {
    expect(rocAuc(new Uint8Array([0, 1]), new Float32Array([0.25, 0.75]))).toBe(1);
  });
});

describe('prAuc (average precision)', () => {
  it('matches the scikit-learn documentation example', () => {
    // Thresholds 0.8: P=1, R=0.5; 0.4: P=1/2, R=0.5; 0.35: P=2/3, R=1; 0.1: P=1/2, R=1.
    // AP = 0.5·1 + 0.5·(2/3) = 0.8333…
    expect(prAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 12);
  });

  it('treats tied scores as a single threshold', () => {
    // Threshold 0.5 flags three rows, two positive: P = 2/3 at R = 1, whatever the row order.
    expect(prAuc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.1])).toBeCloseTo(2 / 3, 12);
    expect(prAuc([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.1])).toBeCloseTo(2 / 3, 12);
  });

  it('is 1 for a perfect ranking and the positive rate when all scores tie', () => {
    expect(prAuc([0, 0, 1, 1, 1], [0.1, 0.2, 0.7, 0.8, 0.9])).toBe(1);
    expect(prAuc([1, 0, 0, 0], [0.4, 0.4, 0.4, 0.4])).toBe(0.25);
  });

  it('is low for an inverted ranking', () => {
    // Positives last: P = 1/4 at R = 1/2, then 2/5 at R = 1 → 0.5·0.25 + 0.5·0.4 = 0.325.
    expect(prAuc([1, 1, 0, 0, 0], [0.1, 0.2, 0.7, 0.8, 0.9])).toBeCloseTo(0.325, 12);
  });

  it('is NaN without positives, but defined without negatives', () => {
    expect(prAuc([0, 0], [0.2, 0.5])).toBeNaN();
    expect(prAuc([1, 1], [0.2, 0.5])).toBe(1);
  });

  it('agrees with a threshold-by-threshold computation on 2,000 random rows', () => {
    const { labels, scores } = randomRows(2024, 2000);
    expect(prAuc(labels, scores)).toBeCloseTo(
      thresholdByThresholdAveragePrecision(labels, scores),
      12,
    );
  });
});

describe('ranking input checks', () => {
  it('refuses mismatched lengths, empty input, non-binary labels and NaN scores', () => {
    expect(() => rocAuc([0, 1], [0.5])).toThrow(/same length.*2 labels and 1 scores/);
    expect(() => prAuc([], [])).toThrow(/at least one/);
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow(/0 or 1 \(row 1 is 2\)/);
    expect(() => rocAuc([0, 0.5], [0.1, 0.2])).toThrow(/0 or 1/);
    expect(() => rocAuc([0, Number.NaN], [0.1, 0.2])).toThrow(/0 or 1/);
    expect(() => prAuc([0, 1], [0.1, Number.NaN])).toThrow(/row 1 is NaN/);
  });
});
