import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { encounterEventErrors, encounterFieldErrors } from './encounter-rules';
import { sharedDataFile } from '../../../../test/support/endpoints';
import {
  encounterPseudonym,
  patientPseudonym,
  testPseudonymize,
} from '../../../../test/support/pseudonyms';
import { encounterEvents } from './encounter-events';
import {
  CSV_COLUMNS,
  missingColumns,
  parseEncounterRow,
  parseEncounterValues,
  rawRowOf,
} from './encounter-row';
import { parseIdsMapping } from './ids-mapping';

const mapping = parseIdsMapping(readFileSync(sharedDataFile('IDs_mapping.csv'), 'utf8'));
const sampleText = readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8');
const sample = parse(sampleText, { columns: true, skip_empty_lines: true }) as Array<
  Record<string, string>
>;

describe('parseIdsMapping on the real IDs_mapping.csv', () => {
  it('reads the three id tables, trimming padded and quoted descriptions', () => {
    expect(mapping.admission_type_id.get(1)).toBe('Emergency');
    expect(mapping.admission_type_id.size).toBe(8);
    expect(mapping.discharge_disposition_id.get(19)).toBe(
      'Expired at home. Medicaid only, hospice.',
    );
    expect(mapping.admission_source_id.get(7)).toBe('Emergency Room');
  });

  it('refuses a file that is not an id mapping', () => {
    expect(() => parseIdsMapping('encounter_id,description\n1,x\n')).toThrow(
      /unexpected section header 'encounter_id'/,
    );
  });
});

describe('parseEncounterRow', () => {
  it('reads ICD-10-CM diagnoses when the row names their code system, ICD-9-CM otherwise', () => {
    const [row] = sample;
    const icd10 = { ...row, diag_1: 'E11.9', diag_2: 'I50.9', diag_3: 'N18.3' };
    const read = parseEncounterRow({ ...icd10, diag_code_system: 'ICD10CM' }, testPseudonymize);
    expect(read.ok && read.encounter).toMatchObject({
      diag_1: 'E11.9',
      diag_2: 'I50.9',
      diag_3: 'N18.3',
      diagnosisCodeSystem: 'ICD10CM',
    });
    // The UCI file has no such column: its rows are ICD-9-CM, and ICD-10 codes are refused there.
    const uci = parseEncounterRow(row, testPseudonymize);
    expect(uci.ok && uci.encounter.diagnosisCodeSystem).toBeNull();
    const unnamed = parseEncounterRow(icd10, testPseudonymize);
    expect(unnamed.ok ? [] : unnamed.errors.map((error) => error.field)).toEqual([
      'diag_1',
      'diag_2',
      'diag_3',
    ]);
    const unknown = parseEncounterRow({ ...row, diag_code_system: 'icd-11' }, testPseudonymize);
    expect(unknown.ok ? [] : unknown.errors).toEqual([
      { field: 'diag_code_system', message: "'icd-11' is not one of ICD9CM, ICD10CM" },
    ]);
  });

  it('reads the stay’s dates from admitted_at and discharged_at, and refuses unclear ones', () => {
    const [row] = sample;
    const dated = parseEncounterRow(
      { ...row, admitted_at: '2015-03-02T14:05:00+01:00', discharged_at: '2015-03-05' },
      testPseudonymize,
    );
    expect(dated.ok && [dated.encounter.admittedAt, dated.encounter.dischargedAt]).toEqual([
      Date.UTC(2015, 2, 2, 13, 5),
      Date.UTC(2015, 2, 5),
    ]);
    const uci = parseEncounterRow(row, testPseudonymize);
    expect(uci.ok && [uci.encounter.admittedAt, uci.encounter.dischargedAt]).toEqual([null, null]);
    const unclear = parseEncounterRow(
      { ...row, admitted_at: '2015-03-02T14:05', discharged_at: '03/05/2015' },
      testPseudonymize,
    );
    expect(unclear.ok ? [] : unclear.errors).toEqual([
      {
        field: 'admitted_at',
        message: "'2015-03-02T14:05' is not an ISO 8601 date or date-time with its offset",
      },
      {
        field: 'discharged_at',
        message: "'03/05/2015' is not an ISO 8601 date or date-time with its offset",
      },
    ]);
    const backwards = parseEncounterRow(
      { ...row, admitted_at: '2015-03-05', discharged_at: '2015-03-02' },
      testPseudonymize,
    );
    expect(backwards.ok ? [] : backwards.errors).toEqual([
      { field: 'discharged_at', message: 'is before admitted_at' },
    ]);
  });

  it('takes text identifiers (FHIR MRNs, visit numbers) when the source writes them so', () => {
    const [row] = sample;
    const mrn = { ...row, patient_nbr: ' MRN-004512 ', encounter_id: 'V/2015/0001' };
    expect(parseEncounterRow(mrn, testPseudonymize).ok).toBe(false);
    const text = parseEncounterValues(rawRowOf(mrn), testPseudonymize, undefined, 'text');
    expect(text.ok && text.encounter.patient_nbr).toBe(testPseudonymize('patient', 'MRN-004512'));
    // A numeric one is the same patient however it is sent.
    const padded = { ...row, patient_nbr: `00${row.patient_nbr}` };
    const viaText = parseEncounterValues(rawRowOf(padded), testPseudonymize, undefined, 'text');
    const viaCsv = parseEncounterRow(row, testPseudonymize);
    expect(viaText.ok && viaText.encounter.patient_nbr).toBe(
      viaCsv.ok && viaCsv.encounter.patient_nbr,
    );
    const broken = { ...row, patient_nbr: 'MRN\n1', encounter_id: 'x'.repeat(129) };
    const refused = parseEncounterValues(rawRowOf(broken), testPseudonymize, undefined, 'text');
    expect(refused.ok ? [] : refused.errors.map(({ field }) => field)).toEqual([
      'encounter_id',
      'patient_nbr',
    ]);
    expect(JSON.stringify(refused)).not.toContain('MRN');
  });

  it('has the 50 columns of the real file', () => {
    const header = sampleText.slice(0, sampleText.indexOf('\n')).trim().split(',');
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(missingColumns(header)).toEqual([]);
    expect(
      missingColumns(header.filter((column) => column !== 'age' && column !== 'insulin')),
    ).toEqual(['age', 'insulin']);
  });

  it('accepts every row of the real sample and keeps each label as an outcome', () => {
    const rejected = sample
      .map((row, index) => ({
        line: index + 2,
        result: parseEncounterRow(row, testPseudonymize, mapping),
      }))
      .filter(({ result }) => !result.ok);
    expect(rejected).toEqual([]);
    const outcomes = sample
      .map((row) => parseEncounterRow(row, testPseudonymize, mapping))
      .map((result) => (result.ok ? result.outcome : 'rejected'));
    expect(new Set(outcomes)).toEqual(new Set(['NO', 'AFTER_30_DAYS', 'WITHIN_30_DAYS']));
  });

  it('turns every accepted row into an event that consumers accept too (the same rules)', () => {
    const context = {
      envelopeFor: () => EXAMPLE_EVENTS.EncounterRecorded.envelope,
      recordedAt: Date.UTC(2026, 10, 22),
      source: 'csv:diabetic_data_sample.csv',
    };
    const refusedDownstream = sample
      .map((row) => parseEncounterRow(row, testPseudonymize, mapping))
      .flatMap((result) =>
        result.ok
          ? encounterEventErrors(encounterEvents(result.encounter, null, context).encounter)
          : [],
      );
    expect(refusedDownstream).toEqual([]);
  });

  it('refuses what a consumer of the log refuses, under the same field names', () => {
    const tester = {
      time_in_hospital: -5,
      num_lab_procedures: -100,
      age: '[900-1000)',
      gender: 'Banana',
    };
    const parsed = parseEncounterRow(
      {
        ...sample[1],
        ...Object.fromEntries(Object.entries(tester).map(([k, v]) => [k, String(v)])),
      },
      testPseudonymize,
      mapping,
    );
    const fields = ['gender', 'age', 'time_in_hospital', 'num_lab_procedures'];
    expect(parsed.ok ? [] : parsed.errors.map((error) => error.field)).toEqual(fields);
    const consumed = encounterFieldErrors({ ...EXAMPLE_EVENTS.EncounterRecorded, ...tester });
    expect(consumed.map((error) => error.field)).toEqual(fields);
    const endless = parseEncounterRow(
      { ...sample[1], time_in_hospital: '2147483647' },
      testPseudonymize,
      mapping,
    );
    expect(endless).toMatchObject({ ok: false, errors: [{ field: 'time_in_hospital' }] });
  });

  it("types the first real row: '?' becomes null, ICD-9 codes stay strings, medications typed, ids pseudonymised", () => {
    const result = parseEncounterRow(sample[0], testPseudonymize, mapping);
    expect(result).toMatchObject({
      ok: true,
      outcome: 'NO',
      encounter: {
        encounter_id: encounterPseudonym(2278392),
        patient_nbr: patientPseudonym(sample[0].patient_nbr),
        race: 'Caucasian',
        age: '[0-10)',
        weight: null,
        payer_code: null,
        medical_specialty: 'Pediatrics-Endocrinology',
        admission_type_id: 6,
        discharge_disposition_id: 25,
        diag_1: '250.83',
        diag_2: null,
        max_glu_serum: 'None',
        metformin: 'No',
        glyburide_metformin: 'No',
        change: 'No',
        diabetesMed: 'No',
      },
    });
  });

  it('reports every bad field of a row, without echoing identifiers', () => {
    const row = {
      ...sample[1],
      encounter_id: 'abc123',
      age: '[70-85)',
      time_in_hospital: '0',
      diag_1: '25O.01',
      insulin: 'Sometimes',
      admission_type_id: '42',
      readmitted: 'maybe',
    };
    const result = parseEncounterRow(row, testPseudonymize, mapping);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'encounter_id', message: 'must be a positive whole number' },
      {
        field: 'age',
        message:
          "'[70-85)' is not one of [0-10), [10-20), [20-30), [30-40), [40-50), [50-60), [60-70), [70-80), [80-90), [90-100)",
      },
      { field: 'admission_type_id', message: '42 is not an id listed in IDs_mapping.csv' },
      { field: 'time_in_hospital', message: "'0' is not a whole number from 1 to 14" },
      { field: 'diag_1', message: "'25O.01' is not an ICD-9 code like 250.83, V57 or E888" },
      { field: 'insulin', message: "'Sometimes' is not one of No, Steady, Up, Down" },
      { field: 'readmitted', message: "'maybe' is not one of NO, >30, <30" },
    ]);
    expect(JSON.stringify(result)).not.toContain('abc123');
  });

  it('accepts a row without a label: an encounter whose outcome is not known yet', () => {
    const result = parseEncounterRow({ ...sample[2], readmitted: '' }, testPseudonymize, mapping);
    expect(result).toMatchObject({ ok: true, outcome: null });
  });

  it('accepts V and E codes and empty cells of newer exports as missing', () => {
    const result = parseEncounterRow(
      { ...sample[3], diag_1: 'V57', diag_2: 'E888', diag_3: '', max_glu_serum: '' },
      testPseudonymize,
      mapping,
    );
    expect(result).toMatchObject({
      ok: true,
      encounter: { diag_1: 'V57', diag_2: 'E888', diag_3: null, max_glu_serum: null },
    });
  });
});
