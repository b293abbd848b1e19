import avro from 'avsc';
import { EVENT_SCHEMAS, EXAMPLE_EVENTS, type DriftDetected } from '@readmit/contracts';
import {
  CATEGORICAL_INPUTS,
  NUMERIC_INPUTS,
  type EncounterInput,
} from '../features/encounter-features';
import { parseEncounterValues } from '../features/encounter-row';
import { brierScore } from '../metrics/probabilistic';
import { rocAuc } from '../metrics/ranking';
import { SeededRandom } from '../random/seeded-random';
import { parseDriftSpec } from '../synthetic/drift-spec';
import type { EncounterProfile } from '../synthetic/encounter-profile';
import { SyntheticEncounters } from '../synthetic/synthetic-encounters';
import syntheticProfile from '../synthetic/uci-sample-profile.json';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftThresholds } from './drift-thresholds';
import {
  fitReferenceProfile,
  histogram,
  SCORE_EDGES,
  type ReferenceProfile,
} from './reference-profile';
import {
  aucStandardError,
  comparePerformance,
  comparePredictions,
  compareWithReference,
  profileWindow,
  type DriftAssessment,
  type DriftReport,
  type WindowProfile,
} from './window-drift';
import { testPseudonymize } from '../../../../test/support/pseudonyms';

/** Parsed synthetic encounters, as the platform would record them. */
function syntheticEncounters(count: number, seed: number, drift?: string): EncounterInput[] {
  const generator = new SyntheticEncounters(
    syntheticProfile as EncounterProfile,
    seed,
    drift ? parseDriftSpec(drift) : undefined,
  );
  const encounters: EncounterInput[] = [];
  while (encounters.length < count) {
    const parsed = parseEncounterValues(generator.nextValues(), testPseudonymize);
    if (parsed.ok) encounters.push(parsed.encounter);
  }
  return encounters;
}

function verdictOf(assessment: DriftAssessment): DriftReport {
  if (assessment.verdict === 'insufficient') throw new Error(`No verdict: ${assessment.why}`);
  return assessment;
}

function largest(report: DriftReport, test: string): number {
  return Math.max(
    ...report.statistics.filter((entry) => entry.test === test).map((entry) => entry.value),
  );
}

const INPUT_COUNT = NUMERIC_INPUTS.length + CATEGORICAL_INPUTS.length;

describe('profileWindow', () => {
  const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;
  const encounter = (changes: Partial<EncounterInput>): EncounterInput => ({ ...base, ...changes });
  const reference: ReferenceProfile = {
    version: 1,
    rows: 100,
    numeric: [{ name: 'time_in_hospital', edges: [2, 5], counts: [30, 40, 30] }],
    categorical: [{ name: 'race', counts: { Caucasian: 70, AfricanAmerican: 30 } }],
  };

  it("counts numeric inputs on the reference's edges and maps unseen and missing values", () => {
    const window = profileWindow(
      [
        encounter({ time_in_hospital: 1, race: 'Caucasian' }),
        encounter({ time_in_hospital: 2, race: 'Asian' }),
        encounter({ time_in_hospital: 3, race: null }),
        encounter({ time_in_hospital: 9, race: 'Hispanic' }),
      ],
      reference,
    );
    expect(window.rows).toBe(4);
    expect(window.numeric).toEqual([
      { name: 'time_in_hospital', edges: [2, 5], counts: [2, 1, 1] },
    ]);
    // No "(other)" nor "(missing)" in the reference: the window adds them.
    expect(window.categorical).toEqual([
      { name: 'race', counts: { Caucasian: 1, AfricanAmerican: 0, '(other)': 2, '(missing)': 1 } },
    ]);
  });

  it('refuses a reference with an input this code does not know', () => {
    const unknown = { ...reference, numeric: [{ name: 'height', edges: [], counts: [1] }] };
    expect(() => profileWindow([], unknown)).toThrow(/unknown numeric input 'height'/);
  });
});

describe('compareWithReference on synthetic encounters', () => {
  let reference: ReferenceProfile;
  let sameEncounters: EncounterInput[];
  let same: DriftReport;
  let drifted: WindowProfile;

  beforeAll(() => {
    reference = fitReferenceProfile(syntheticEncounters(50_000, 11));
    sameEncounters = syntheticEncounters(50_000, 23);
    same = verdictOf(compareWithReference(profileWindow(sameEncounters, reference), reference));
    drifted = profileWindow(
      syntheticEncounters(20_000, 23, 'at=0,age=0.5,emergency=0.5,a1c=0.5'),
      reference,
    );
  }, 60_000);

  it('raises no drift on 50,000 encounters of the same population', () => {
    expect(same).toMatchObject({
      kind: 'DATA',
      verdict: 'stable',
      severity: null,
      windowSize: 50_000,
      datasetDrift: false,
      driftedFeatures: [],
    });
    // Every input measured: PSI, KS and Wasserstein per numeric one, PSI and chi-square per
    // categorical one. Seen: PSI at most 0.0009 (medical_specialty), Wasserstein 0.014 (num_medications).
    expect(same.statistics).toHaveLength(3 * NUMERIC_INPUTS.length + 2 * CATEGORICAL_INPUTS.length);
    expect(largest(same, 'psi')).toBeLessThan(0.005);
    expect(largest(same, 'wasserstein')).toBeLessThan(0.03);
  });

  it('reports p-values without letting them decide', () => {
    // Among ~50 tests of one population some p-values fall under 5% by chance (race: 0.018):
    // that test says so, the feature does not drift.
    const race = same.statistics.find(
      (entry) => entry.feature === 'race' && entry.test === 'chi_square',
    );
    expect(race?.pValue).toBeLessThan(0.05);
    expect(race?.drifted).toBe(true);
    expect(same.driftedFeatures).not.toContain('race');
    for (const entry of same.statistics) {
      expect(entry.pValue === null).toBe(entry.test === 'psi' || entry.test === 'wasserstein');
    }
  });

  it('ignores a shift too small to matter, however significant on a large window', () => {
    // One encounter in 50 gets an A1C above 8: χ² = 53.9 (p ≈ 1e-11), yet PSI only 0.002.
    const nudged = sameEncounters.map((encounter, index) =>
      index % 50 === 0 ? { ...encounter, A1Cresult: '>8' } : encounter,
    );
    const report = verdictOf(compareWithReference(profileWindow(nudged, reference), reference));
    const a1c = report.statistics.filter((entry) => entry.feature === 'A1Cresult');
    expect(a1c.find((entry) => entry.test === 'chi_square')?.pValue).toBeLessThan(1e-10);
    expect(a1c.find((entry) => entry.test === 'psi')?.value).toBeLessThan(0.01);
    expect(report.verdict).toBe('stable');
  });

  it('drifts on exactly the features the generator shifted: age, admission type, A1C', () => {
    const report = verdictOf(compareWithReference(drifted, reference));
    expect(report.verdict).toBe('drift');
    expect(report.driftedFeatures).toEqual(['age_band', 'admission_type_id', 'A1Cresult']);
    // A1C above 8 for half the encounters: PSI ≈ 0.92, HIGH.
    expect(report.severity).toBe('HIGH');
    const psi = (feature: string) =>
      report.statistics.find((entry) => entry.feature === feature && entry.test === 'psi')?.value;
    expect(psi('A1Cresult')).toBeGreaterThan(0.5);
    expect(psi('age_band')).toBeGreaterThan(0.25);
    expect(psi('admission_type_id')).toBeGreaterThan(0.25);
    const ageKs = report.statistics.find(
      (entry) => entry.feature === 'age_band' && entry.test === 'ks',
    );
    expect(ageKs?.value).toBeGreaterThan(0.15);
    expect(ageKs?.pValue).toBeLessThan(1e-12);
  });

  it('fills a DriftDetected event that the Avro contract accepts', () => {
    const report = verdictOf(compareWithReference(drifted, reference));
    if (report.verdict !== 'drift') throw new Error('expected drift');
    const event: DriftDetected = {
      ...EXAMPLE_EVENTS.DriftDetected,
      kind: report.kind,
      severity: report.severity,
      windowSize: report.windowSize,
      datasetDrift: report.datasetDrift,
      driftedFeatures: [...report.driftedFeatures],
      statistics: [...report.statistics],
    };
    const type = avro.Type.forSchema(EVENT_SCHEMAS.DriftDetected as avro.Schema);
    expect(type.fromBuffer(type.toBuffer(event))).toEqual(event);
  });

  it('declares dataset drift only when the share of drifted inputs is reached', () => {
    // 3 of 48 inputs drifted: a share of 0.0625.
    const withShare = (datasetDriftShare: number) =>
      verdictOf(
        compareWithReference(drifted, reference, {
          ...DEFAULT_DRIFT_THRESHOLDS,
          datasetDriftShare,
        }),
      );
    expect(INPUT_COUNT).toBe(48);
    expect(verdictOf(compareWithReference(drifted, reference)).datasetDrift).toBe(false);
    expect(withShare(3 / 48).datasetDrift).toBe(true);
    expect(withShare(4 / 48).datasetDrift).toBe(false);
    expect(withShare(4 / 48).driftedFeatures).toHaveLength(3);
  });

  it('decides numeric drift by the configured effect', () => {
    const byEffect = (decideBy: 'psi' | 'wasserstein', low: number) => {
      const numeric = { ...DEFAULT_DRIFT_THRESHOLDS.numeric, decideBy };
      const thresholds: DriftThresholds = {
        ...DEFAULT_DRIFT_THRESHOLDS,
        numeric: { ...numeric, [decideBy]: { low, medium: 5, high: 10 } },
      };
      return verdictOf(compareWithReference(drifted, reference, thresholds)).driftedFeatures;
    };
    const age = verdictOf(compareWithReference(drifted, reference)).statistics.filter(
      (entry) => entry.feature === 'age_band',
    );
    const agePsi = age.find((entry) => entry.test === 'psi')?.value ?? NaN;
    const wassersteinOfAge = age.find((entry) => entry.test === 'wasserstein');
    // Its bands are raised by the noise two samples of these sizes carry (the reported threshold).
    const ageNoise =
      (wassersteinOfAge?.threshold ?? NaN) - DEFAULT_DRIFT_THRESHOLDS.numeric.wasserstein.low;
    expect(ageNoise).toBeGreaterThan(0);
    const ageWasserstein = (wassersteinOfAge?.value ?? NaN) - ageNoise;
    expect(byEffect('psi', agePsi * 0.99)).toContain('age_band');
    expect(byEffect('psi', agePsi * 1.01)).not.toContain('age_band');
    expect(byEffect('wasserstein', ageWasserstein * 0.99)).toContain('age_band');
    expect(byEffect('wasserstein', ageWasserstein * 1.01)).not.toContain('age_band');
  });

  it('gives no verdict on a window smaller than the minimum', () => {
    const small = profileWindow(sameEncounters.slice(0, 1_999), reference);
    expect(compareWithReference(small, reference)).toEqual({
      kind: 'DATA',
      verdict: 'insufficient',
      windowSize: 1_999,
      why: '1999 encounters in the window, fewer than 2000',
    });
  });
});

describe('compareWithReference on constructed counts', () => {
  const reference: ReferenceProfile = {
    version: 1,
    rows: 100,
    numeric: [{ name: 'x', edges: [1], counts: [50, 50] }],
    categorical: [{ name: 'kind', counts: { a: 60, b: 40 } }],
  };
  const window = (x: number[], kind: Record<string, number>): WindowProfile => ({
    rows: x[0] + x[1],
    numeric: [{ name: 'x', edges: [1], counts: x }],
    categorical: [{ name: 'kind', counts: kind }],
  });
  const anySize = { ...DEFAULT_DRIFT_THRESHOLDS, minWindowRows: 0 };

  it('grades severity by the largest effect, and can require significance as well', () => {
    // x: PSI of 50/50 → 30/70 is 0.1695 (LOW); D = 0.2 on 20 rows: effective n 16.7, p ≈ 0.52.
    // Wasserstein 0.4 (below) against bands raised by the noise of 20 rows against 100 (0.195):
    // LOW too, where the bare bands would say MEDIUM.
    const small = window([6, 14], { a: 12, b: 8 });
    const report = verdictOf(compareWithReference(small, reference, anySize));
    expect(report).toMatchObject({ verdict: 'drift', severity: 'LOW', driftedFeatures: ['x'] });
    const wasserstein = report.statistics.find((entry) => entry.test === 'wasserstein');
    expect(wasserstein?.threshold).toBeCloseTo(0.1 + 0.1954, 3);
    const ks = report.statistics.find((entry) => entry.test === 'ks');
    expect(ks?.pValue).toBeGreaterThan(0.05);
    expect(ks?.drifted).toBe(false);
    // Wasserstein: 0.2 of the mass moved by 1, the reference's σ is 0.5 → 0.4 (MEDIUM).
    expect(report.statistics.find((entry) => entry.test === 'wasserstein')?.value).toBeCloseTo(
      0.4,
      12,
    );
    const strict = { ...anySize, requireSignificance: true };
    expect(verdictOf(compareWithReference(small, reference, strict)).verdict).toBe('stable');
    // The same shift on 2,000 rows is significant.
    const large = window([600, 1_400], { a: 1_200, b: 800 });
    expect(verdictOf(compareWithReference(large, reference, strict)).driftedFeatures).toEqual([
      'x',
    ]);
  });

  it('counts a category the reference never had as drift', () => {
    const report = verdictOf(
      compareWithReference(window([50, 50], { a: 30, b: 20, '(other)': 50 }), reference, anySize),
    );
    expect(report.driftedFeatures).toEqual(['kind']);
    expect(report.severity).toBe('HIGH');
    const chiSquare = report.statistics.find((entry) => entry.test === 'chi_square');
    expect(chiSquare?.pValue).toBeLessThan(1e-10);
  });
});

describe('comparePredictions', () => {
  const random = new SeededRandom(5);
  // Holdout scores skewed low, as readmission risks are.
  const holdoutScores = Array.from({ length: 20_000 }, () => random.next() ** 2);
  const reference: ReferenceProfile = {
    version: 1,
    rows: holdoutScores.length,
    numeric: [],
    categorical: [],
    scores: histogram('score', SCORE_EDGES, holdoutScores),
  };

  it('is stable on scores of the same distribution', () => {
    const scores = Array.from({ length: 10_000 }, () => random.next() ** 2);
    const report = verdictOf(comparePredictions(scores, reference));
    expect(report).toMatchObject({ kind: 'PREDICTION', verdict: 'stable', driftedFeatures: [] });
    expect(report.statistics.map((entry) => entry.test)).toEqual(['psi', 'ks']);
    expect(largest(report, 'psi')).toBeLessThan(0.01);
  });

  it('drifts when the scores move up', () => {
    const scores = Array.from({ length: 10_000 }, () => Math.min(1, random.next() ** 2 + 0.15));
    const report = verdictOf(comparePredictions(scores, reference));
    expect(report).toMatchObject({
      verdict: 'drift',
      datasetDrift: true,
      driftedFeatures: ['score'],
    });
    expect(largest(report, 'psi')).toBeGreaterThan(0.25);
    expect(report.statistics.find((entry) => entry.test === 'ks')).toMatchObject({ drifted: true });
  });

  it('gives no verdict without reference scores or with too few scores', () => {
    const withoutScores = { ...reference, scores: undefined };
    expect(comparePredictions(new Array(5_000).fill(0.2), withoutScores)).toMatchObject({
      verdict: 'insufficient',
      why: 'the reference profile has no holdout scores',
    });
    expect(comparePredictions([0.1, 0.2], reference)).toMatchObject({ verdict: 'insufficient' });
  });
});

describe('comparePerformance', () => {
  /** Calibrated by construction: score p uniform, label drawn with probability p. */
  function labelled(rows: number, seed: number): { labels: number[]; scores: number[] } {
    const random = new SeededRandom(seed);
    const scores = Array.from({ length: rows }, () => random.next());
    const labels = scores.map((score) => (random.next() < score ? 1 : 0));
    return { labels, scores };
  }
  const holdout = labelled(20_000, 1);
  // AUC of this construction is 5/6, its Brier score E[p(1 − p)] = 1/6.
  const holdoutMetrics = {
    rocAuc: rocAuc(holdout.labels, holdout.scores),
    brier: brierScore(holdout.labels, holdout.scores),
  };

  it('holdout metrics match their closed forms', () => {
    expect(holdoutMetrics.rocAuc).toBeCloseTo(5 / 6, 2);
    expect(holdoutMetrics.brier).toBeCloseTo(1 / 6, 2);
  });

  it('is stable on a window of the same model and population', () => {
    const window = labelled(5_000, 2);
    const report = verdictOf(comparePerformance(window.labels, window.scores, holdoutMetrics));
    expect(report).toMatchObject({ kind: 'PERFORMANCE', verdict: 'stable', driftedFeatures: [] });
    expect(report.statistics.map((entry) => [entry.feature, entry.test])).toEqual([
      ['roc_auc', 'auc_drop'],
      ['brier', 'brier_rise'],
    ]);
    expect(Math.abs(report.statistics[0].value)).toBeLessThan(0.02);
  });

  it('sees the ranking degrade when half the scores become noise', () => {
    const window = labelled(5_000, 3);
    const random = new SeededRandom(4);
    const scores = window.scores.map((score) => (random.next() < 0.5 ? random.next() : score));
    const report = verdictOf(comparePerformance(window.labels, scores, holdoutMetrics));
    // Expected AUC about 0.67: a drop of about 0.17, HIGH.
    expect(report).toMatchObject({ verdict: 'drift', severity: 'HIGH', datasetDrift: true });
    expect(report.driftedFeatures).toContain('roc_auc');
    expect(report.statistics[0].value).toBeGreaterThan(0.12);
  });

  it('sees calibration degrade while the ranking holds', () => {
    // p^(1/3) keeps the order (same AUC) but overstates risk: Brier 0.6 − 6/7 + 0.5 ≈ 0.243.
    const window = labelled(5_000, 5);
    const report = verdictOf(
      comparePerformance(
        window.labels,
        window.scores.map((score) => Math.cbrt(score)),
        holdoutMetrics,
      ),
    );
    expect(report.driftedFeatures).toEqual(['brier']);
    expect(report.statistics[1].value).toBeCloseTo(0.243 - 1 / 6, 1);
    expect(report.severity).toBe('HIGH');
  });

  it('weighs the noise of a small holdout: a Brier rise within chance is not drift', () => {
    // A window whose Brier score is 0.02 worse than the holdout's (a LOW rise on its own).
    const window = labelled(2_000, 7);
    const brier = brierScore(window.labels, window.scores);
    const smallHoldout = { rocAuc: rocAuc(window.labels, window.scores), brier: brier - 0.02 };
    // 2,000 rows against 50 holdout rows: the difference is well within chance.
    const noisy = verdictOf(comparePerformance(window.labels, window.scores, { ...smallHoldout, rows: 50 })); // prettier-ignore
    expect(noisy.verdict).toBe('stable');
    expect(noisy.statistics[1]).toMatchObject({ test: 'brier_rise', drifted: false });
    expect(noisy.statistics[1].pValue).toBeGreaterThan(0.01);
    // The same rise against a holdout of 100,000 rows is beyond chance, and drift.
    const sure = verdictOf(comparePerformance(window.labels, window.scores, { ...smallHoldout, rows: 100_000 })); // prettier-ignore
    expect(sure).toMatchObject({ verdict: 'drift', driftedFeatures: ['brier'], severity: 'LOW' });
    expect(sure.statistics[1].pValue).toBeLessThan(0.01);
    // Without the holdout's size the effect alone decides, as before.
    expect(verdictOf(comparePerformance(window.labels, window.scores, smallHoldout)).verdict).toBe('drift'); // prettier-ignore
  });

  it('computes the Hanley-McNeil standard error of an AUC', () => {
    // AUC 0.8 on 100 positives and 100 negatives: Q1 = 2/3, Q2 = 0.7111…, SE = 0.03137.
    expect(aucStandardError(0.8, 100, 100)).toBeCloseTo(0.03137, 4);
    expect(aucStandardError(0.8, 1_000, 1_000)).toBeLessThan(aucStandardError(0.8, 100, 100));
  });

  it('gives no verdict on too few labelled rows or positives', () => {
    const few = labelled(1_000, 6);
    expect(comparePerformance(few.labels, few.scores, holdoutMetrics)).toEqual({
      kind: 'PERFORMANCE',
      verdict: 'insufficient',
      windowSize: 1_000,
      why: '1000 labelled rows, fewer than 2000',
    });
    const rare = { labels: new Array(3_000).fill(0), scores: new Array(3_000).fill(0.1) };
    rare.labels.fill(1, 0, 150);
    expect(comparePerformance(rare.labels, rare.scores, holdoutMetrics)).toMatchObject({
      verdict: 'insufficient',
      why: '150 positives, fewer than 200',
    });
  });
});
