import {
  mapFhirEncounters,
  type FhirMappingEntry,
  type FhirMappingOptions,
} from '../mapping/fhir-mapping';
import { EMPTY_PATIENT_HISTORY, type PatientHistory } from '../mapping/patient-history';
import { testPseudonymize } from './fhir-builders';

/** mapFhirEncounters with the test pseudonyms and the stored histories given (by pseudonym). */
export function mapForTest(
  input: readonly FhirMappingEntry[],
  history: Readonly<Record<string, PatientHistory>> = {},
  options: FhirMappingOptions = {},
) {
  return mapFhirEncounters(input, {
    pseudonymize: testPseudonymize,
    history: (patient) => history[patient] ?? EMPTY_PATIENT_HISTORY,
    options,
  });
}

/** The one row an input makes; fails the test when there is not exactly one or an issue. */
export function rowOf(
  input: readonly FhirMappingEntry[],
  history: Readonly<Record<string, PatientHistory>> = {},
  options: FhirMappingOptions = {},
) {
  const result = mapForTest(input, history, options);
  expect(result.issues).toEqual([]);
  expect(result.rows).toHaveLength(1);
  return result.rows[0].row;
}
