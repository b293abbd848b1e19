import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { categoryCounts, populationStabilityIndex } from '../drift/population-stability-index';
import { sharedDataFile } from '../../../../test/support/endpoints';
import { parseEncounterRow } from '../features/encounter-row';
import { parseDriftSpec } from './drift-spec';
import { MODELLED_COLUMNS, fitEncounterProfile, type EncounterProfile } from './encounter-profile';
import { SyntheticEncounters } from './synthetic-encounters';
import committedProfile from './uci-sample-profile.json';
import { testPseudonymize } from '../../../../test/support/pseudonyms';

const sample = parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
  columns: true,
  skip_empty_lines: true,
}) as Array<Record<string, string>>;
const profile = committedProfile as EncounterProfile;

function generate(count: number, seed = 7, drift?: string): Array<Record<string, string>> {
  const generator = new SyntheticEncounters(
    profile,
    seed,
    drift ? parseDriftSpec(drift) : undefined,
  );
  return Array.from({ length: count }, () => generator.next());
}

/** PSI of one column between two row sets, over the reference's 20 commonest values plus "other". */
function columnPsi(
  reference: Array<Record<string, string>>,
  current: Array<Record<string, string>>,
  column: string,
): number {
  const frequency = new Map<string, number>();
  for (const row of reference) frequency.set(row[column], (frequency.get(row[column]) ?? 0) + 1);
  const top = [...frequency]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([value]) => value);
  const bucket = (rows: Array<Record<string, string>>) =>
    rows.map((row) => (top.includes(row[column]) ? row[column] : '(other)'));
  const categories = [...top, '(other)'];
  return populationStabilityIndex(
    categoryCounts(bucket(reference), categories),
    categoryCounts(bucket(current), categories),
  );
}

const meanBy = (rows: Array<Record<string, string>>, column: string, label: string) => {
  const values = rows.filter((row) => row.readmitted === label).map((row) => Number(row[column]));
  return values.reduce((total, value) => total + value, 0) / values.length;
};

describe('the committed synthetic profile', () => {
  it('is what fitting the real sample gives (refit with services/ml/scripts/fit-synthetic-profile.ts)', () => {
    expect(fitEncounterProfile(sample, 'diabetic_data_sample.csv')).toEqual(profile);
  });
});

describe('SyntheticEncounters', () => {
  const synthetic = generate(20_000);

  it('is deterministic for a seed', () => {
    expect(generate(50, 11)).toEqual(generate(50, 11));
    expect(generate(50, 11)).not.toEqual(generate(50, 12));
  });

  it('gives each seed its own encounter and patient numbers, so streams can be mixed', () => {
    const ids = (rows: Array<Record<string, string>>, column: string) =>
      new Set(rows.map((row) => row[column]));
    const first = generate(2_000, 11);
    const second = generate(2_000, 12);
    for (const column of ['encounter_id', 'patient_nbr']) {
      const overlap = [...ids(first, column)].filter((id) => ids(second, column).has(id));
      expect(overlap).toEqual([]);
    }
    expect(ids(first, 'encounter_id').size).toBe(2_000);
  });

  it('writes rows that the ingest parser accepts, every one', () => {
    expect(synthetic.filter((row) => !parseEncounterRow(row, testPseudonymize).ok)).toEqual([]);
  });

  it.each(MODELLED_COLUMNS)('matches the real sample on %s (PSI < 0.1)', (column) => {
    expect(columnPsi(sample, synthetic, column)).toBeLessThan(0.1);
  });

  it('keeps the label distribution and its relationship with the features', () => {
    const share = (rows: Array<Record<string, string>>, label: string) =>
      rows.filter((row) => row.readmitted === label).length / rows.length;
    for (const label of ['NO', '>30', '<30'])
      expect(share(synthetic, label)).toBeCloseTo(share(sample, label), 1);
    // Prior inpatient stays rise with readmission risk in the real data, and so they must here.
    expect(meanBy(synthetic, 'number_inpatient', 'NO')).toBeLessThan(
      meanBy(synthetic, 'number_inpatient', '>30'),
    );
    expect(meanBy(synthetic, 'number_inpatient', '>30')).toBeLessThan(
      meanBy(synthetic, 'number_inpatient', '<30'),
    );
  });

  it('brings patients back for several encounters, at about the rate of the real data, keeping who they are', () => {
    const byPatient = new Map<string, Array<Record<string, string>>>();
    for (const row of synthetic)
      byPatient.set(row.patient_nbr, [...(byPatient.get(row.patient_nbr) ?? []), row]);
    const returning = synthetic.length - byPatient.size;
    expect(returning / synthetic.length).toBeCloseTo(profile.returningPatientShare, 1);
    for (const encounters of byPatient.values()) {
      expect(new Set(encounters.map((row) => `${row.race}/${row.gender}`)).size).toBe(1);
    }
    expect(new Set(synthetic.map((row) => row.encounter_id)).size).toBe(synthetic.length);
  });
});

describe('drift injection', () => {
  const before = generate(10_000, 5);

  it('shifts the stated features from the given position on, and nothing before it', () => {
    const rows = generate(20_000, 5, 'at=10000,age=0.6,emergency=0.4,a1c=0.4');
    expect(rows.slice(0, 10_000)).toEqual(before);
    const after = rows.slice(10_000);
    expect(columnPsi(before, after, 'age')).toBeGreaterThan(0.1);
    expect(columnPsi(before, after, 'admission_type_id')).toBeGreaterThan(0.1);
    expect(columnPsi(before, after, 'A1Cresult')).toBeGreaterThan(0.1);
    expect(columnPsi(before, after, 'num_lab_procedures')).toBeLessThan(0.05);
  });

  it('concept drift weakens the label relationship while the features keep their distribution', () => {
    const after = generate(40_000, 9, 'at=0,concept=0.9');
    const gap = (rows: Array<Record<string, string>>) =>
      meanBy(rows, 'number_inpatient', '<30') - meanBy(rows, 'number_inpatient', 'NO');
    expect(gap(after)).toBeLessThan(gap(generate(40_000, 9)) / 2);
    expect(columnPsi(before, after, 'number_inpatient')).toBeLessThan(0.05);
  });

  it.each([
    ['age=0.5', /say where it starts/],
    ['at=10,height=0.2', /unknown kind 'height'/],
    ['at=10,age=2', /between 0 and 1/],
  ])('refuses the drift spec %p', (spec, error) => {
    expect(() => parseDriftSpec(spec)).toThrow(error);
  });
});
