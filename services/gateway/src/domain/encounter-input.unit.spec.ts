import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sharedDataFile } from '../../../../test/support/endpoints';
import {
  encounterPseudonym,
  patientPseudonym,
  testPseudonymize,
} from '../../../../test/support/pseudonyms';
import { parseEncounterRow } from '@readmit/ml';
import {
  EXAMPLE_ENCOUNTER_INPUT,
  INPUT_COLUMNS,
  parseBatchInput,
  parseEncounterInput,
  requiredInputColumns,
} from './encounter-input';

const rows = parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
  columns: true,
  skip_empty_lines: true,
}) as Array<Record<string, string>>;
/** The real sample's rows as JSON objects the way a client sends them: numbers, null for '?'. */
const sample = rows.map((row) =>
  Object.fromEntries(
    Object.entries(row).map(([column, cell]) => [
      column,
      cell === '?' ? null : /^\d+$/.test(cell) ? Number(cell) : cell,
    ]),
  ),
);

describe('parseEncounterInput', () => {
  it('reads every row of the real sample as ingestion does, whatever its label', () => {
    sample.slice(0, 500).forEach((row, index) => {
      const ingested = parseEncounterRow(rows[index], testPseudonymize);
      expect(parseEncounterInput(row, testPseudonymize)).toEqual({
        ok: true,
        value: {
          callerEncounterId: Number(rows[index].encounter_id),
          encounter: ingested.ok && ingested.encounter,
        },
      });
    });
  });

  it('does not need the readmitted label, and ignores a bad one (ingestion still refuses it)', () => {
    const { readmitted: _label, ...unlabelled } = sample[0];
    expect(parseEncounterInput(unlabelled, testPseudonymize).ok).toBe(true);
    expect(parseEncounterInput({ ...sample[0], readmitted: 'soon' }, testPseudonymize).ok).toBe(
      true,
    );
    expect(parseEncounterRow({ ...rows[0], readmitted: 'soon' }, testPseudonymize)).toMatchObject({
      ok: false,
      errors: [{ field: 'readmitted' }],
    });
  });

  it('reads ICD-10-CM diagnoses when diag_code_system says so, as ingestion does', () => {
    const icd10 = { ...sample[0], diag_1: 'E11.9', diag_2: 'I50.9', diag_3: null };
    const read = parseEncounterInput({ ...icd10, diag_code_system: 'ICD10CM' }, testPseudonymize);
    expect(read.ok && read.value.encounter).toMatchObject({
      diag_1: 'E11.9',
      diag_2: 'I50.9',
      diag_3: null,
      diagnosisCodeSystem: 'ICD10CM',
    });
    // Without it the codes are ICD-9-CM, which these are not; a bad system is named, not "required".
    expect(parseEncounterInput(icd10, testPseudonymize)).toMatchObject({
      ok: false,
      errors: [{ field: 'diag_1' }, { field: 'diag_2' }],
    });
    expect(
      parseEncounterInput({ ...icd10, diag_code_system: 'ICD-10' }, testPseudonymize),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'diag_code_system', message: "'ICD-10' is not one of ICD9CM, ICD10CM" }],
    });
  });

  it('names each bad field: types first, then the ingest rules, absent keys as required', () => {
    expect(
      parseEncounterInput(
        { ...EXAMPLE_ENCOUNTER_INPUT, age: [1], insulin: false },
        testPseudonymize,
      ),
    ).toEqual({
      ok: false,
      errors: [
        { field: 'age', message: 'must be a string, a number or null' },
        { field: 'insulin', message: 'must be a string, a number or null' },
      ],
    });
    const { gender: _gender, ...noGender } = EXAMPLE_ENCOUNTER_INPUT;
    expect(
      parseEncounterInput(
        { ...noGender, metformin: 'Sometimes', weight: 80 },
        testPseudonymize,
        'x',
      ),
    ).toEqual({
      ok: false,
      errors: [
        { field: 'x.gender', message: 'is required' },
        { field: 'x.weight', message: "'80' is not a weight band like [75-100)" },
        { field: 'x.metformin', message: "'Sometimes' is not one of No, Steady, Up, Down" },
      ],
    });
  });

  it('never quotes an identifier in a message', () => {
    const parsed = parseEncounterInput(
      { ...EXAMPLE_ENCOUNTER_INPUT, patient_nbr: '12a345' },
      testPseudonymize,
    );
    expect(parsed).toEqual({
      ok: false,
      errors: [{ field: 'patient_nbr', message: 'must be a positive whole number' }],
    });
  });

  it('refuses what is not an object', () => {
    for (const body of [null, 3, 'x', [EXAMPLE_ENCOUNTER_INPUT]])
      expect(parseEncounterInput(body, testPseudonymize)).toEqual({
        ok: false,
        errors: [
          {
            field: '(body)',
            message: 'must be a JSON object keyed by the diabetic_data.csv column names',
          },
        ],
      });
  });

  it('derives the required columns from the rules: identifiers, demographics, counts, medications', () => {
    const required = requiredInputColumns();
    expect(required).toEqual(expect.arrayContaining(['encounter_id', 'age', 'insulin', 'change']));
    for (const optional of ['race', 'weight', 'payer_code', 'diag_1', 'max_glu_serum'])
      expect(required).not.toContain(optional);
    expect(INPUT_COLUMNS).not.toContain('readmitted');
    expect(parseEncounterInput(EXAMPLE_ENCOUNTER_INPUT, testPseudonymize).ok).toBe(true);
  });

  it("scores the encounter by its pseudonyms and keeps the caller's id for the answer", () => {
    const parsed = parseEncounterInput(
      { ...EXAMPLE_ENCOUNTER_INPUT, encounter_id: '0149190' },
      testPseudonymize,
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        callerEncounterId: 149190,
        encounter: {
          encounter_id: encounterPseudonym(149190),
          patient_nbr: patientPseudonym(55629189),
        },
      },
    });
    expect(JSON.stringify(parsed.ok && parsed.value.encounter)).not.toMatch(/149190|55629189/);
  });
});

describe('parseBatchInput', () => {
  it('reads 1 to maxBatch encounters in order', () => {
    const parsed = parseBatchInput({ encounters: sample.slice(0, 3) }, 3, testPseudonymize);
    expect(parsed.ok && parsed.value.encounters.map((item) => item.callerEncounterId)).toEqual(
      sample.slice(0, 3).map((row) => row.encounter_id),
    );
    expect(parsed.ok && parsed.value.encounters.map((item) => item.encounter.encounter_id)).toEqual(
      sample.slice(0, 3).map((row) => encounterPseudonym(row.encounter_id as number)),
    );
  });

  it('refuses an empty, oversize or missing batch', () => {
    expect(parseBatchInput({ encounters: [] }, 3, testPseudonymize)).toEqual({
      ok: false,
      errors: [{ field: 'encounters', message: 'must hold at least one encounter' }],
    });
    expect(parseBatchInput({ encounters: sample.slice(0, 4) }, 3, testPseudonymize)).toEqual({
      ok: false,
      errors: [{ field: 'encounters', message: 'must hold at most 3 encounters' }],
    });
    expect(parseBatchInput({}, 3, testPseudonymize)).toEqual({
      ok: false,
      errors: [{ field: 'encounters', message: 'must be an array of encounters' }],
    });
    expect(parseBatchInput([], 3, testPseudonymize)).toEqual({
      ok: false,
      errors: [{ field: '(body)', message: 'must be a JSON object with an encounters array' }],
    });
  });

  it('names the item of every bad field', () => {
    const parsed = parseBatchInput(
      { encounters: [sample[0], { ...sample[1], age: 'old' }, { ...sample[2], change: null }] },
      10,
      testPseudonymize,
    );
    expect(parsed).toEqual({
      ok: false,
      errors: [
        { field: 'encounters[1].age', message: expect.stringMatching(/^'old' is not one of/) },
        { field: 'encounters[2].change', message: 'is required' },
      ],
    });
  });
});
