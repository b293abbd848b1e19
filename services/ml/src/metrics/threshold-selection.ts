import { thresholdMetrics } from './threshold';

/**
 * The threshold that maximises F1 on the given scores (ties: the lower threshold). Readmission
 * is rare, so 0.5 would flag almost nobody; F1 balances catching readmissions and false alarms.
 * Candidates are the distinct scores themselves, at most `maxCandidates` of them (quantiles).
 */
export function chooseThresholdByF1(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxCandidates = 200,
): { threshold: number; f1: number } {
  const sorted = Float64Array.from(scores).sort();
  const candidates = new Set<number>();
  for (let step = 0; step < maxCandidates; step++)
    candidates.add(sorted[Math.floor((step * sorted.length) / maxCandidates)]);
  let best = { threshold: 0.5, f1: -1 };
  for (const threshold of [...candidates].sort((a, b) => a - b)) {
    const { f1 } = thresholdMetrics(labels, scores, threshold);
    if (f1 > best.f1) best = { threshold, f1 };
  }
  return best;
}
