import { assertProbabilityInputs } from './input-validation';
import { classificationReport, type ClassificationReport } from './report';

/**
 * One classification report per subgroup (e.g. race, gender, age band), for fairness checks:
 * a model can look good overall while failing a minority group. Only groups with at least
 * minCount rows are reported, since metrics on a handful of rows are noise. The map is ordered
 * by group value (code-unit order), so reports are stable whatever the row order.
 */
export function subgroupReports(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  groups: ArrayLike<string>,
  threshold: number,
  minCount = 1,
  calibrationBins = 10,
): Map<string, ClassificationReport> {
  if (groups.length !== labels.length) {
    throw new Error(
      `Groups must have one value per row (got ${groups.length} groups for ${labels.length} rows)`,
    );
  }
  if (!Number.isInteger(minCount) || minCount < 0) {
    throw new Error(`minCount must be a non-negative whole number (got ${minCount})`);
  }
  // Validate the whole input once, so that errors name rows of the caller's data.
  assertProbabilityInputs(labels, scores);

  const rowsByGroup = new Map<string, number[]>();
  for (let row = 0; row < groups.length; row++) {
    const rows = rowsByGroup.get(groups[row]);
    if (rows) rows.push(row);
    else rowsByGroup.set(groups[row], [row]);
  }

  const reports = new Map<string, ClassificationReport>();
  const groupValues = [...rowsByGroup.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const group of groupValues) {
    const rows = rowsByGroup.get(group) ?? [];
    if (rows.length < minCount) continue;
    const groupLabels = new Uint8Array(rows.length);
    const groupScores = new Float64Array(rows.length);
    rows.forEach((row, index) => {
      groupLabels[index] = labels[row];
      groupScores[index] = scores[row];
    });
    reports.set(group, classificationReport(groupLabels, groupScores, threshold, calibrationBins));
  }
  return reports;
}
