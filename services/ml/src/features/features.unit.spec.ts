import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { FeatureEncoder, fitFeatureSpec, MISSING, OTHER, parseFeatureSpec } from './feature-spec';
import { icd9Group } from './icd9-groups';
import { icd10Group } from './icd10-groups';
import { dottedIcd9, GEM_SAMPLE } from '../../../../test/support/gem-sample';
import { NUMERIC_INPUTS, type EncounterInput } from './encounter-features';

const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;
const encounter = (changes: Partial<EncounterInput>): EncounterInput => ({ ...base, ...changes });

describe('icd9Group', () => {
  it.each([
    ['428', 'circulatory'],
    ['785', 'circulatory'],
    ['486', 'respiratory'],
    ['786', 'respiratory'],
    ['578', 'digestive'],
    ['250.83', 'diabetes'],
    ['250', 'diabetes'],
    ['996', 'injury'],
    ['715', 'musculoskeletal'],
    ['599', 'genitourinary'],
    ['162', 'neoplasms'],
    ['V57', 'supplementary'],
    ['E888', 'other'],
    ['8', 'other'],
  ])('puts %s in %s', (code, group) => {
    expect(icd9Group(code)).toBe(group);
  });

  it('keeps a missing code missing', () => {
    expect(icd9Group(null)).toBeNull();
  });
});

describe('fitFeatureSpec and FeatureEncoder', () => {
  // 30 encounters: three admission types (20, 8, 2 rows), times in hospital 1..3, some races missing.
  const training = Array.from({ length: 30 }, (_, index) =>
    encounter({
      admission_type_id: index < 20 ? 1 : index < 28 ? 3 : 7,
      time_in_hospital: (index % 3) + 1,
      race: index % 10 === 0 ? null : index % 2 === 0 ? 'Caucasian' : 'AfricanAmerican',
      diag_1: index % 2 === 0 ? '428' : 'V57',
    }),
  );
  const spec = fitFeatureSpec(training, { minCategoryCount: 5 });
  const encoder = new FeatureEncoder(spec);

  it('standardises numeric inputs with the training mean and spread', () => {
    const time = spec.numeric.find((feature) => feature.name === 'time_in_hospital');
    expect(time?.mean).toBeCloseTo(2, 10);
    expect(time?.std).toBeCloseTo(Math.sqrt(2 / 3), 10);
    // A constant input gets std 1 rather than a division by zero.
    expect(spec.numeric.find((feature) => feature.name === 'num_procedures')?.std).toBe(1);
    expect(spec.numeric.map((feature) => feature.name)).toEqual(
      NUMERIC_INPUTS.map((input) => input.name),
    );
  });

  it('keeps categories seen often enough, sorted, and names every column', () => {
    const admission = spec.categorical.find((block) => block.name === 'admission_type_id');
    expect(admission?.categories).toEqual(['1', '3']); // 7 was seen twice, under the minimum
    expect(spec.categorical.find((block) => block.name === 'diag_1_group')?.categories).toEqual([
      'circulatory',
      'supplementary',
    ]);
    expect(spec.featureNames).toContain(`admission_type_id=${OTHER}`);
    expect(spec.featureNames).toContain(`race=${MISSING}`);
    expect(encoder.width).toBe(spec.featureNames.length);
  });

  it('one-hot encodes known, unseen and missing values into their own columns', () => {
    const column = (name: string) => spec.featureNames.indexOf(name);
    const row = encoder.encode(
      encounter({ admission_type_id: 7, race: null, time_in_hospital: 3 }),
    );
    expect(row[column(`admission_type_id=${OTHER}`)]).toBe(1);
    expect(row[column('admission_type_id=1')]).toBe(0);
    expect(row[column(`race=${MISSING}`)]).toBe(1);
    expect(row[column('time_in_hospital')]).toBeCloseTo(1 / Math.sqrt(2 / 3), 5);
    // Exactly one column per categorical block is set.
    const ones = [...row.slice(spec.numeric.length)].filter((value) => value === 1).length;
    expect(ones).toBe(spec.categorical.length);
  });

  it('caps a high-cardinality input at its most frequent categories', () => {
    const specialties = Array.from({ length: 600 }, (_, index) =>
      encounter({ medical_specialty: `Specialty${index % 30}` }),
    );
    const block = fitFeatureSpec(specialties).categorical.find(
      (candidate) => candidate.name === 'medical_specialty',
    );
    expect(block?.categories).toHaveLength(20);
  });

  it('encodes many rows exactly as it encodes one', () => {
    const matrix = encoder.encodeAll(training.slice(0, 5));
    expect(matrix.rows).toBe(5);
    expect(matrix.columns).toBe(encoder.width);
    expect([...matrix.values.slice(3 * encoder.width, 4 * encoder.width)]).toEqual([
      ...encoder.encode(training[3]),
    ]);
  });

  it('survives JSON and refuses a spec it cannot honour', () => {
    const copy = parseFeatureSpec(JSON.parse(JSON.stringify(spec)));
    expect(new FeatureEncoder(copy).encode(training[4])).toEqual(encoder.encode(training[4]));
    expect(() => parseFeatureSpec({ ...spec, version: 2 })).toThrow('version 2 is not 1');
    expect(() =>
      parseFeatureSpec({ ...spec, numeric: [{ name: 'shoe_size', mean: 0, std: 1 }] }),
    ).toThrow("unknown numeric input 'shoe_size'");
    expect(() => parseFeatureSpec({ ...spec, featureNames: ['x'] })).toThrow('do not match');
    expect(() => fitFeatureSpec([])).toThrow('no encounters');
  });
});

describe('an encoder fitted on ICD-9-CM encounters reads ICD-10-CM ones', () => {
  // GEM pairs whose two codes share a group (most do; the crossings are listed in
  // icd10-groups.unit.spec.ts), three at a time as an encounter's three diagnoses.
  const agreeing = GEM_SAMPLE.filter(
    (pair) => icd9Group(dottedIcd9(pair.icd9)) === icd10Group(pair.icd10),
  );
  const triples = Array.from({ length: Math.floor(agreeing.length / 3) }, (_, index) =>
    agreeing.slice(index * 3, index * 3 + 3),
  );
  const asIcd9 = triples.map(([first, second, third]) =>
    encounter({
      diag_1: dottedIcd9(first.icd9),
      diag_2: dottedIcd9(second.icd9),
      diag_3: dottedIcd9(third.icd9),
      diagnosisCodeSystem: null,
    }),
  );
  const asIcd10 = triples.map(([first, second, third]) =>
    encounter({
      diag_1: first.icd10,
      diag_2: second.icd10,
      diag_3: third.icd10,
      diagnosisCodeSystem: 'ICD10CM',
    }),
  );
  const encoder = new FeatureEncoder(fitFeatureSpec(asIcd9, { minCategoryCount: 1 }));

  it('encodes each the same as its GEM equivalent in ICD-9-CM, so a model scores them alike', () => {
    expect(triples.length).toBeGreaterThanOrEqual(40);
    expect(asIcd10.map((row) => encoder.encode(row))).toEqual(
      asIcd9.map((row) => encoder.encode(row)),
    );
  });

  it('needs the code system: the same ICD-10 codes read as ICD-9 would encode otherwise', () => {
    const unnamed = asIcd10.map((row) => encoder.encode({ ...row, diagnosisCodeSystem: null }));
    const differing = unnamed.filter(
      (row, index) => JSON.stringify(row) !== JSON.stringify(encoder.encode(asIcd9[index])),
    );
    expect(differing.length).toBeGreaterThan(triples.length / 2);
  });
});
