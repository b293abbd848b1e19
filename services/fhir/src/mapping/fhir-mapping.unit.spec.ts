import { parseEncounterValues, rawRowOf } from '@readmit/ml';
import {
  condition,
  ENCOUNTER_URL,
  entries,
  stay,
  testPseudonymize,
} from '../testing/fhir-builders';
import { mapFhirEncounters, patientKeysOf, type FhirMappingEntry } from './fhir-mapping';
import { EMPTY_PATIENT_HISTORY, type PatientHistory } from './patient-history';

function mapped(input: FhirMappingEntry[], history: Record<string, PatientHistory> = {}) {
  return mapFhirEncounters(input, {
    pseudonymize: testPseudonymize,
    history: (patient) => history[patient] ?? EMPTY_PATIENT_HISTORY,
    options: {},
  });
}

describe('mapFhirEncounters: a diabetic inpatient stay', () => {
  it('becomes one row the CSV path reads without an error', () => {
    const result = mapped(stay());
    expect(result.issues).toEqual([]);
    expect(result.excluded).toEqual({});
    expect(result.rows).toHaveLength(1);
    const { location, row } = result.rows[0];
    expect(location).toBe('Bundle.entry[1].resource');
    expect(row).toMatchObject({
      encounter_id: 'VN-1001',
      patient_nbr: 'MRN-004512',
      gender: 'Female',
      age: '[60-70)',
      time_in_hospital: '3',
      diag_1: 'E11.9',
      diag_code_system: 'ICD10CM',
      number_diagnoses: '1',
      admitted_at: '2016-03-01T15:00:00.000Z',
      discharged_at: '2016-03-04T17:00:00.000Z',
      admission_type_id: '6',
      admission_source_id: '17',
      discharge_disposition_id: '18',
      max_glu_serum: 'None',
      A1Cresult: 'None',
      change: 'No',
      diabetesMed: 'No',
    });
    const parsed = parseEncounterValues(rawRowOf(row), testPseudonymize, undefined, 'text');
    expect(parsed.ok).toBe(true);
  });

  it('names its patients for the caller to load their history', () => {
    expect(patientKeysOf(stay({ patient: { mrn: '0149190' } }), {})).toEqual(['149190']);
  });

  it('teaches the history the stay as an inpatient visit', () => {
    expect(mapped(stay()).historyToKeep).toEqual([
      {
        patient: 'patient:MRN-004512',
        visits: [
          {
            visitKey: 'encounter:VN-1001',
            kind: 'inpatient',
            startedAt: Date.parse('2016-03-01T15:00:00Z'),
          },
        ],
        medicationOrders: [],
      },
    ]);
  });

  it('does not take a stay whose diagnosis is no diabetes code', () => {
    const result = mapped(
      stay({ diagnosis: condition('I50.9', { encounter: { reference: ENCOUNTER_URL } }) }),
    );
    expect(result.rows).toEqual([]);
    expect(result.excluded).toEqual({ 'not-diabetic': 1 });
  });

  it('reads an input with no encounter', () => {
    expect(mapped(entries()).rows).toEqual([]);
  });
});
