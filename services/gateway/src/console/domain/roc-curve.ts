/** A point of a ROC curve: the false and true positive rates at one score threshold. */
export interface RocPoint {
  readonly falsePositiveRate: number;
  readonly truePositiveRate: number;
}

/**
 * The ROC curve from (0,0) to (1,1): one point per distinct score, highest first (tied scores
 * form one step, as in rocAuc). Thinned to at most `maxPoints` evenly spread points, always
 * keeping both ends, so a browser draws it cheaply. Empty when a class is missing.
 */
export function rocCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxPoints = 200,
): RocPoint[] {
  if (labels.length !== scores.length)
    throw new Error(`labels and scores differ in length (${labels.length}, ${scores.length})`);
  const order = Array.from({ length: labels.length }, (_, row) => row).sort(
    (a, b) => scores[b] - scores[a],
  );
  let positives = 0;
  for (let row = 0; row < labels.length; row++) positives += labels[row] === 1 ? 1 : 0;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return [];
  const points: RocPoint[] = [{ falsePositiveRate: 0, truePositiveRate: 0 }];
  let truePositives = 0;
  let falsePositives = 0;
  for (let index = 0; index < order.length; index++) {
    const row = order[index];
    if (labels[row] === 1) truePositives++;
    else falsePositives++;
    const next = order[index + 1];
    if (next !== undefined && scores[next] === scores[row]) continue;
    points.push({
      falsePositiveRate: falsePositives / negatives,
      truePositiveRate: truePositives / positives,
    });
  }
  return thin(points, Math.max(2, maxPoints));
}

function thin(points: RocPoint[], maxPoints: number): RocPoint[] {
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, index) => points[Math.round(index * step)]);
}
