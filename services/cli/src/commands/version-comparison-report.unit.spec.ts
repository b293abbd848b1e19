import { compareVersions } from '@readmit/backfill';
import {
  comparisonJson,
  comparisonTable,
  type ComparisonReport,
} from './version-comparison-report';

function report(outcomes: boolean, targetB: 'any' | 'within-30-days' = 'any'): ComparisonReport {
  const a = new Map([
    ['enc_1', 0.2],
    ['enc_2', 0.9],
    ['enc_3', 0.6],
  ]);
  const b = new Map([
    ['enc_1', 0.3],
    ['enc_2', 0.7],
    ['enc_4', 0.1],
  ]);
  return {
    modelName: 'readmission',
    from: null,
    to: Date.UTC(2026, 10, 23),
    a: { asked: 'champion', backfillId: 'backfill-a', reused: true, repeats: 0 },
    b: { asked: 'v2', backfillId: 'backfill-b', reused: false, repeats: 2 },
    comparison: compareVersions(
      { version: 'v1', threshold: 0.5, target: 'any', scores: a },
      { version: 'v2', threshold: 0.5, target: targetB, scores: b },
      outcomes
        ? new Map([
            ['enc_1', 'NO'],
            ['enc_2', 'AFTER_30_DAYS'],
          ])
        : new Map(),
    ),
  };
}

describe('the comparison report', () => {
  it('a table with both versions, the one-sided counts and the outcomes', () => {
    const table = comparisonTable(report(true));
    expect(table).toMatch(/^readmission: A = v1 \(champion\), B = v2$/m);
    expect(table).toMatch(/^A: backfill backfill-a \(reused\)$/m);
    expect(table).toMatch(/^B: backfill backfill-b, 2 repeated predictions dropped$/m);
    expect(table).toContain(
      'encounters from the start to 2026-11-23T00:00:00.000Z: 2 scored by both, 1 by A only, 1 by B only',
    );
    expect(table).toMatch(/^ {2}threshold +0\.500 +0\.500$/m);
    expect(table).toMatch(/^outcomes: 2 labelled encounters scored by both$/m);
    // Two labelled encounters, one per class: both rank them right, AUC 1 each, no SE.
    expect(table).toMatch(/^ {2}ROC AUC +1\.000 +1\.000$/m);
    expect(table).toMatch(/AUC B - A +\+0\.0000 \(DeLong: SE n\/a, z n\/a, p n\/a\)/);
  });

  it('says so when there are no outcomes, or the targets differ', () => {
    expect(comparisonTable(report(false))).toMatch(/^outcomes: none known yet/m);
    expect(comparisonTable(report(true, 'within-30-days'))).toMatch(/not paired/);
  });

  it('JSON with null for metrics without data, and ISO times', () => {
    const json = JSON.parse(comparisonJson(report(true))) as Record<string, unknown> & {
      comparison: { outcomes: { aucDifference: { standardError: unknown } } };
    };
    expect(json.from).toBeNull();
    expect(json.to).toBe('2026-11-23T00:00:00.000Z');
    expect(json.comparison.outcomes.aucDifference.standardError).toBeNull();
  });
});
