import { readFileSync } from 'node:fs';
import { EXAMPLE_EVENTS, type EncounterRecorded } from '@readmit/contracts';
import { parse } from 'csv-parse/sync';
import { sharedDataFile } from '../../../../test/support/endpoints';
import {
  encounterPseudonym,
  patientPseudonym,
  testPseudonymize,
} from '../../../../test/support/pseudonyms';
import {
  canonicalClearId,
  ENCOUNTER_COLUMNS,
  quotedValue,
  readEncounterCells,
} from './encounter-cells';
import type { EncounterInput } from './encounter-features';
import {
  ENCOUNTER_RULES,
  encounterEventErrors,
  encounterFieldErrors,
  MAX_IDENTIFIER,
  type EncounterField,
  type FieldError,
  type FieldRule,
} from './encounter-rules';

const { envelope: _, recordedAt: __, source: ___, ...example } = EXAMPLE_EVENTS.EncounterRecorded;
const sample = parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
  columns: true,
  skip_empty_lines: true,
}) as Array<Record<string, string>>;
const cellsOf = (row: Readonly<Record<string, string | undefined>>) =>
  ENCOUNTER_COLUMNS.map((column) => row[column]);

/** The tester's events, written straight to patient.encounters past ingest and the gateway. */
const absurd: EncounterInput = {
  ...example,
  time_in_hospital: -5,
  num_lab_procedures: -100,
  age: '[900-1000)',
  gender: 'Banana',
};
const endless: EncounterInput = { ...example, time_in_hospital: 2147483647 };

/** Marks a bad text value, so a test can tell it is not echoed. */
const MARK = 'Banana7';

/** Values that break each kind of rule (and must each be caught on their own). */
function badValuesOf(rule: FieldRule): unknown[] {
  switch (rule.kind) {
    case 'identifier':
      return [0, -7, 1.5, MAX_IDENTIFIER + 1, 2 ** 53, Number.NaN, '123', null];
    case 'pseudonym':
      // A clear id (as a number or as text), another kind's pseudonym, a near miss.
      return [
        149190,
        '149190',
        rule.of === 'encounter' ? patientPseudonym(1) : encounterPseudonym(1),
        `${encounterPseudonym(1)}x`,
        'legacy:',
        null,
      ];
    case 'count':
      return [rule.min - 1, rule.max + 1, 2147483647, -2147483648, 1.5, Number.NaN, '3', null];
    case 'choice':
      return [
        MARK,
        '',
        ` ${rule.values[0]}`,
        `${rule.values[0]}x`,
        3,
        ...(rule.optional ? [] : [null]),
      ];
    case 'code':
      return ['', MARK.repeat(10), 7, ['x']];
    case 'time':
      return [-1, 1.5, 8_640_000_000_000_001, 2 ** 53, Number.NaN, '2015-03-02', MARK];
  }
}

describe('the encounter field rules', () => {
  it('accept the example encounter and every row of the real sample', () => {
    expect(encounterFieldErrors(example)).toEqual([]);
    expect(encounterEventErrors(EXAMPLE_EVENTS.EncounterRecorded)).toEqual([]);
    const refused = sample
      .map((row, index) => {
        const errors: FieldError[] = [];
        const encounter = readEncounterCells(cellsOf(row), errors, testPseudonymize);
        return { line: index + 2, errors: [...errors, ...encounterFieldErrors(encounter)] };
      })
      .filter(({ errors }) => errors.length > 0);
    expect(refused).toEqual([]);
  });

  it.each(Object.entries(ENCOUNTER_RULES) as Array<[EncounterField, FieldRule]>)(
    '%s: every bad value is caught, named by the field, without the value',
    (field, rule) => {
      for (const value of badValuesOf(rule)) {
        const errors = encounterFieldErrors({ ...example, [field]: value } as EncounterInput);
        expect({ value, errors }).toEqual({
          value,
          errors: [{ field, message: expect.any(String) }],
        });
        expect(errors[0].message).not.toContain(MARK);
      }
    },
  );

  it('refuse a stay that ends before it begins', () => {
    const admittedAt = Date.UTC(2015, 2, 2);
    expect(encounterFieldErrors({ ...example, admittedAt, dischargedAt: admittedAt - 1 })).toEqual([
      { field: 'dischargedAt', message: 'is before admittedAt' },
    ]);
    expect(encounterFieldErrors({ ...example, admittedAt, dischargedAt: admittedAt })).toEqual([]);
    expect(encounterFieldErrors({ ...example, admittedAt: null, dischargedAt: 0 })).toEqual([]);
  });

  it('refuse the tester’s events with the right field names, and no values', () => {
    const errors = encounterFieldErrors(absurd);
    expect(errors).toEqual([
      { field: 'gender', message: 'is not one of Female, Male, Unknown/Invalid' },
      { field: 'age', message: expect.stringMatching(/^is not one of \[0-10\), .*\[90-100\)$/) },
      { field: 'time_in_hospital', message: 'is not a whole number from 1 to 14' },
      { field: 'num_lab_procedures', message: 'is not a whole number from 0 to 999' },
    ]);
    expect(JSON.stringify(errors)).not.toMatch(/Banana|\[900-1000\)/);
    expect(encounterFieldErrors(endless)).toEqual([
      { field: 'time_in_hospital', message: 'is not a whole number from 1 to 14' },
    ]);
  });

  it('hold codes to their shape', () => {
    const fieldsOf = (fields: Partial<EncounterInput>) =>
      encounterFieldErrors({ ...example, ...fields }).map((error) => error.field);
    expect(fieldsOf({ diag_1: '25O.01', diag_2: 'V5', diag_3: 'E88' })).toEqual([
      'diag_1',
      'diag_2',
      'diag_3',
    ]);
    expect(fieldsOf({ weight: '80', payer_code: 'medicare' })).toEqual(['weight', 'payer_code']);
    expect(
      fieldsOf({ weight: '[75-100)', payer_code: 'MC', medical_specialty: 'Surgery,\nGeneral' }),
    ).toEqual([]);
  });

  it('hold diagnoses to the code system the encounter names (null: ICD-9-CM)', () => {
    const fieldsOf = (fields: Partial<EncounterInput>) =>
      encounterFieldErrors({ ...example, ...fields }).map((error) => error.field);
    const icd10 = { diag_1: 'E11.9', diag_2: 'I509', diag_3: 'S72.001A' };
    expect(fieldsOf({ ...icd10, diagnosisCodeSystem: 'ICD10CM' })).toEqual([]);
    // The same codes read as ICD-9 are refused, E119 among them: not an ICD-9 E code.
    expect(fieldsOf({ ...icd10, diagnosisCodeSystem: null })).toEqual([
      'diag_1',
      'diag_2',
      'diag_3',
    ]);
    expect(fieldsOf({ diag_1: 'E119' })).toEqual(['diag_1']);
    expect(fieldsOf({ diag_1: 'E888', diag_2: 'E030', diag_3: 'V57' })).toEqual([]);
    // ICD-9 codes are not ICD-10 ones; an unknown system is refused.
    expect(
      fieldsOf({ diag_1: '428', diag_2: 'I50.9', diag_3: null, diagnosisCodeSystem: 'ICD10CM' }),
    ).toEqual(['diag_1']);
    expect(
      fieldsOf({ diagnosisCodeSystem: 'SNOMED' as EncounterInput['diagnosisCodeSystem'] }),
    ).toEqual(['diagnosisCodeSystem']);
  });

  it('never quote an identifier', () => {
    const errors = encounterFieldErrors({
      ...example,
      encounter_id: '149190',
      patient_nbr: 'legacy:12x',
    });
    expect(errors).toEqual([
      { field: 'encounter_id', message: 'is not a pseudonym of kind encounter' },
      { field: 'patient_nbr', message: 'is not a pseudonym of kind patient' },
    ]);
    expect(JSON.stringify(errors)).not.toContain('149190');
  });

  it('accept the legacy clear ids that events written before pseudonyms read as', () => {
    expect(
      encounterFieldErrors({
        ...example,
        encounter_id: 'legacy:149190',
        patient_nbr: 'legacy:55629189',
      }),
    ).toEqual([]);
  });

  it('accept what the data leaves missing: race, weight, codes, glucose and A1C results', () => {
    const missing = {
      ...example,
      race: null,
      weight: null,
      payer_code: null,
      medical_specialty: null,
      diag_1: null,
      diag_2: null,
      diag_3: null,
      max_glu_serum: null,
      A1Cresult: null,
    };
    expect(encounterFieldErrors(missing)).toEqual([]);
    expect(
      encounterFieldErrors({
        ...example,
        weight: '>200',
        payer_code: 'MC',
        medical_specialty: 'Surgery-Cardiovascular/Thoracic',
        diag_1: 'V45.81',
        diag_2: 'E888',
        diag_3: '8',
      }),
    ).toEqual([]);
  });

  it('hold the event to a recording time and a source as well', () => {
    const event: EncounterRecorded = {
      ...EXAMPLE_EVENTS.EncounterRecorded,
      recordedAt: -1,
      source: '',
      time_in_hospital: 0,
    };
    expect(encounterEventErrors(event).map((error) => error.field)).toEqual([
      'time_in_hospital',
      'recordedAt',
      'source',
    ]);
  });
});

describe('readEncounterCells', () => {
  it('reads text cells by the same rules, quoting values but never identifiers', () => {
    const errors: FieldError[] = [];
    const row = {
      ...sample[1],
      encounter_id: 'abc123',
      race: 'Martian',
      payer_code: 'medicare',
      time_in_hospital: '2147483647',
      num_lab_procedures: '-100',
      'glyburide-metformin': 'Often',
    };
    readEncounterCells(cellsOf(row), errors, testPseudonymize);
    expect(errors).toEqual([
      { field: 'encounter_id', message: 'must be a positive whole number' },
      {
        field: 'race',
        message: "'Martian' is not one of Caucasian, AfricanAmerican, Hispanic, Asian, Other",
      },
      // Ten digits may be an identifier in the wrong column: not quoted.
      {
        field: 'time_in_hospital',
        message:
          'the value (not shown: it may be an identifier) is not a whole number from 1 to 14',
      },
      { field: 'payer_code', message: "'medicare' is not a two-letter payer code like MC" },
      { field: 'num_lab_procedures', message: "'-100' is not a whole number from 0 to 999" },
      { field: 'glyburide-metformin', message: "'Often' is not one of No, Steady, Up, Down" },
    ]);
    expect(JSON.stringify(errors)).not.toContain('abc123');
  });

  it('reads what a text row gives as the typed attributes the rules check', () => {
    const errors: FieldError[] = [];
    const encounter = readEncounterCells(cellsOf(sample[0]), errors, testPseudonymize);
    expect(errors).toEqual([]);
    expect(encounterFieldErrors(encounter)).toEqual([]);
    expect(encounter).toMatchObject({
      encounter_id: encounterPseudonym(2278392),
      patient_nbr: patientPseudonym(sample[0].patient_nbr),
      weight: null,
      diag_1: '250.83',
    });
  });

  it('pseudonymises each identifier once, in its canonical text, and keeps no clear id', () => {
    const asked: Array<[string, string]> = [];
    const errors: FieldError[] = [];
    const encounter = readEncounterCells(
      cellsOf({ ...sample[0], encounter_id: ' 002278392 ', patient_nbr: '8222157' }),
      errors,
      (kind, clearId) => {
        asked.push([kind, clearId]);
        return testPseudonymize(kind, clearId);
      },
    );
    expect(asked).toEqual([
      ['encounter', '2278392'],
      ['patient', '8222157'],
    ]);
    expect(encounter.encounter_id).toBe(encounterPseudonym(2278392));
    expect(JSON.stringify(encounter)).not.toMatch(/2278392|8222157/);
    expect([canonicalClearId('0149190'), canonicalClearId('0'), canonicalClearId('1e5')]).toEqual([
      '149190',
      null,
      null,
    ]);
  });

  it('shortens a long value it quotes', () => {
    const errors: FieldError[] = [];
    readEncounterCells(
      cellsOf({ ...sample[0], medical_specialty: `Cardiology${'x'.repeat(80)}` }),
      errors,
      testPseudonymize,
    );
    expect(errors).toEqual([
      { field: 'medical_specialty', message: expect.stringMatching(/^'Cardiologyx{30}…' is not/) },
    ]);
  });
});

describe('quoting refused values', () => {
  it('quotes what cannot be an identifier and withholds what may be one', () => {
    expect(quotedValue('Martian')).toBe("'Martian'");
    expect(quotedValue('250.83x')).toBe("'250.83x'");
    expect(quotedValue('x'.repeat(60))).toBe(`'${'x'.repeat(40)}…'`);
    for (const identifier of ['55629189', 'MRN0012345', '[149190)', '12345'])
      expect(quotedValue(identifier)).toBe('the value (not shown: it may be an identifier)');
  });
});
