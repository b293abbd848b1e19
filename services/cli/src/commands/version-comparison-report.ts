import { SCORE_EDGES } from '@readmit/ml';
import type { VersionComparison } from '@readmit/backfill';

/** How one side of a comparison was scored: the version asked for, and the backfill used. */
export interface ComparedSide {
  /** As given on the command line (a version, or 'champion'). */
  readonly asked: string;
  readonly backfillId: string;
  /** True when an earlier completed backfill of the same version and range was read back. */
  readonly reused: boolean;
  /** Predictions read more than once and dropped (0 on a healthy log). */
  readonly repeats: number;
}

/** What `readmit backfill compare` reports. */
export interface ComparisonReport {
  readonly modelName: string;
  readonly from: number | null;
  readonly to: number;
  readonly a: ComparedSide;
  readonly b: ComparedSide;
  readonly comparison: VersionComparison;
}

/** The report as JSON: NaN (a metric without data) becomes null, timestamps ISO strings. */
export function comparisonJson(report: ComparisonReport): string {
  return JSON.stringify(
    {
      ...report,
      from: report.from === null ? null : new Date(report.from).toISOString(),
      to: new Date(report.to).toISOString(),
    },
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
}

const number = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
const count = (value: number) => value.toLocaleString('en-US');
const row = (label: string, a: string, b: string) =>
  `  ${label.padEnd(26)}${a.padStart(16)}${b.padStart(16)}`;
const probability = (value: number) =>
  Number.isNaN(value) ? 'n/a' : value < 1e-4 ? '< 0.0001' : value.toFixed(4);

function describe(side: ComparedSide): string {
  const repeats = side.repeats > 0 ? `, ${count(side.repeats)} repeated predictions dropped` : '';
  return `${side.backfillId}${side.reused ? ' (reused)' : ''}${repeats}`;
}

/** Rules of thumb of PSI (population-stability-index.ts). */
function psiBand(psi: number): string {
  if (psi < 0.1) return 'stable';
  return psi <= 0.25 ? 'moderate shift' : 'major shift';
}

/** The report as a table for people. */
export function comparisonTable(report: ComparisonReport): string {
  const { comparison: c, a, b } = report;
  const range = `${report.from === null ? 'the start' : new Date(report.from).toISOString()} to ${new Date(report.to).toISOString()}`;
  const side = (asked: string, version: string) =>
    asked === version ? version : `${version} (${asked})`;
  const lines = [
    `${report.modelName}: A = ${side(a.asked, c.a.version)}, B = ${side(b.asked, c.b.version)}`,
    `A: backfill ${describe(a)}`,
    `B: backfill ${describe(b)}`,
    `encounters from ${range}: ${count(c.both)} scored by both, ${count(c.onlyA)} by A only, ${count(c.onlyB)} by B only`,
    '',
    row('', 'A', 'B'),
    row('target', c.a.target, c.b.target),
    row('threshold', number(c.a.threshold), number(c.b.threshold)),
    row('scored', count(c.a.distribution.count), count(c.b.distribution.count)),
    row('mean score', number(c.a.distribution.mean), number(c.b.distribution.mean)),
    row('p10', number(c.a.distribution.p10), number(c.b.distribution.p10)),
    row('p50', number(c.a.distribution.p50), number(c.b.distribution.p50)),
    row('p90', number(c.a.distribution.p90), number(c.b.distribution.p90)),
    row(
      'positive rate',
      number(c.a.distribution.positiveRate),
      number(c.b.distribution.positiveRate),
    ),
    '  score histogram',
    ...c.a.distribution.histogram.counts.map((countA, bin) => {
      const low = bin === 0 ? 0 : SCORE_EDGES[bin - 1];
      const high = bin < SCORE_EDGES.length ? SCORE_EDGES[bin] : 1;
      return row(
        `    ${bin === 0 ? '[' : '('}${low.toFixed(1)}, ${high.toFixed(1)}]`,
        count(countA),
        count(c.b.distribution.histogram.counts[bin] ?? 0),
      );
    }),
    '',
    'B against A',
    `  PSI of B's scores vs A's   ${c.psi === null ? 'n/a' : `${number(c.psi, 4)} (${psiBand(c.psi)})`}`,
    `  mean |score B - score A|   ${number(c.meanAbsoluteDifference, 4)}`,
    `  label agreement            ${number(c.labelAgreement)}`,
    '',
  ];
  const outcomes = c.outcomes;
  if (!outcomes) {
    lines.push('outcomes: none known yet for the encounters both scored (no AUC)');
    return lines.join('\n');
  }
  lines.push(
    `outcomes: ${count(outcomes.labelled)} labelled encounters scored by both`,
    row('positives', count(outcomes.a.positives), count(outcomes.b.positives)),
    row('ROC AUC', number(outcomes.a.rocAuc), number(outcomes.b.rocAuc)),
    row('Brier score', number(outcomes.a.brier, 4), number(outcomes.b.brier, 4)),
  );
  const test = outcomes.aucDifference;
  if (!test) lines.push('  AUC B - A: not paired (the versions predict different targets)');
  else
    lines.push(
      `  AUC B - A                  ${test.difference >= 0 ? '+' : ''}${number(test.difference, 4)} (DeLong: SE ${number(test.standardError, 4)}, z ${number(test.z, 2)}, p ${probability(test.pValue)})`,
    );
  return lines.join('\n');
}
