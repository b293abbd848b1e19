import type { IdentifierKind } from '@readmit/contracts';
import { SYSTEM, US_CORE_ETHNICITY, US_CORE_RACE } from '../mapping/code-systems';
import type {
  CodeableConcept,
  Coding,
  Condition,
  Coverage,
  Encounter,
  Extension,
  MedicationRequest,
  Observation,
  Patient,
  PractitionerRole,
  Procedure,
  Resource,
} from '../mapping/fhir-r4';
import type { FhirMappingEntry } from '../mapping/resource-index';

/**
 * Small builders of FHIR resources for the mapping's tests: each gives a valid resource of a
 * finished diabetic inpatient stay by default, and takes the fields a test changes.
 */

/** A readable stand-in for the keyed pseudonyms: `patient:149190`. */
export const testPseudonymize = (kind: IdentifierKind, clearId: string) => `${kind}:${clearId}`;

export const coding = (system: string, code: string, display?: string): Coding => ({
  system,
  code,
  ...(display === undefined ? {} : { display }),
});
export const concept = (system: string, code: string, text?: string): CodeableConcept => ({
  coding: [coding(system, code)],
  ...(text === undefined ? {} : { text }),
});

export const PATIENT_URL = 'urn:uuid:patient-1';
export const ENCOUNTER_URL = 'urn:uuid:encounter-1';
const ref = (reference: string) => ({ reference });

export function patient(fields: Partial<Patient> & { mrn?: string } = {}): Patient {
  const { mrn = 'MRN-004512', ...rest } = fields;
  return {
    resourceType: 'Patient',
    identifier: [
      { type: concept(SYSTEM.identifierType, 'MR'), system: 'urn:example:mrn', value: mrn },
    ],
    gender: 'female',
    birthDate: '1950-06-15',
    ...rest,
  };
}

/** The US Core race extension with OMB categories (and detailed codes). */
export function raceExtension(
  ombCategories: readonly string[],
  detailed: readonly string[] = [],
): Extension {
  return {
    url: US_CORE_RACE,
    extension: [
      ...ombCategories.map((code) => ({
        url: 'ombCategory',
        valueCoding: coding(SYSTEM.cdcRace, code),
      })),
      ...detailed.map((code) => ({ url: 'detailed', valueCoding: coding(SYSTEM.cdcRace, code) })),
      { url: 'text', valueString: 'race' },
    ],
  };
}

export function ethnicityExtension(ombCategory: string): Extension {
  return {
    url: US_CORE_ETHNICITY,
    extension: [
      { url: 'ombCategory', valueCoding: coding(SYSTEM.cdcRace, ombCategory) },
      { url: 'text', valueString: 'ethnicity' },
    ],
  };
}

export function encounter(fields: Partial<Encounter> & { visitNumber?: string } = {}): Encounter {
  const { visitNumber = 'VN-1001', ...rest } = fields;
  return {
    resourceType: 'Encounter',
    identifier: [
      {
        type: concept(SYSTEM.identifierType, 'VN'),
        system: 'urn:example:visit',
        value: visitNumber,
      },
    ],
    status: 'finished',
    class: coding(SYSTEM.actCode, 'IMP'),
    subject: ref(PATIENT_URL),
    period: { start: '2016-03-01T10:00:00-05:00', end: '2016-03-04T12:00:00-05:00' },
    diagnosis: [{ condition: ref('urn:uuid:diagnosis-1'), rank: 1 }],
    ...rest,
  };
}

/** A condition coded in ICD-10-CM (or the system given). */
export function condition(
  code: string,
  fields: Partial<Condition> & { system?: string } = {},
): Condition {
  const { system = SYSTEM.icd10cm, ...rest } = fields;
  return {
    resourceType: 'Condition',
    subject: ref(PATIENT_URL),
    code: concept(system, code),
    ...rest,
  };
}

export function problem(
  code: string,
  fields: Partial<Condition> & { system?: string } = {},
): Condition {
  return condition(code, {
    category: [concept(SYSTEM.conditionCategory, 'problem-list-item')],
    clinicalStatus: concept(SYSTEM.conditionClinical, 'active'),
    ...fields,
  });
}

export function observation(
  loinc: string,
  value: number | undefined,
  unit: string | undefined,
  fields: Partial<Observation> = {},
): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [concept(SYSTEM.observationCategory, 'laboratory')],
    code: concept(SYSTEM.loinc, loinc),
    subject: ref(PATIENT_URL),
    encounter: ref(ENCOUNTER_URL),
    ...(value === undefined
      ? {}
      : {
          valueQuantity: {
            value,
            ...(unit === undefined ? {} : { unit, system: SYSTEM.ucum, code: unit }),
          },
        }),
    ...fields,
  };
}

export function procedure(fields: Partial<Procedure> = {}): Procedure {
  return {
    resourceType: 'Procedure',
    status: 'completed',
    subject: ref(PATIENT_URL),
    encounter: ref(ENCOUNTER_URL),
    code: { text: 'procedure' },
    ...fields,
  };
}

/** A daily-dose order of a drug by RxNorm code or by text, `dose` units `perDay` times a day. */
export function medicationRequest(
  medication: CodeableConcept,
  dose: { value: number; unit: string; perDay: number } | undefined,
  fields: Partial<MedicationRequest> = {},
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: medication,
    subject: ref(PATIENT_URL),
    encounter: ref(ENCOUNTER_URL),
    authoredOn: '2016-03-01T11:00:00-05:00',
    ...(dose === undefined
      ? {}
      : {
          dosageInstruction: [
            {
              timing: { repeat: { frequency: dose.perDay, period: 1, periodUnit: 'd' } },
              doseAndRate: [
                {
                  doseQuantity: {
                    value: dose.value,
                    unit: dose.unit,
                    system: SYSTEM.ucum,
                    code: dose.unit,
                  },
                },
              ],
            },
          ],
        }),
    ...fields,
  };
}

export const rxnorm = (code: string, text?: string) => concept(SYSTEM.rxnorm, code, text);

export function coverage(type: CodeableConcept, fields: Partial<Coverage> = {}): Coverage {
  return {
    resourceType: 'Coverage',
    status: 'active',
    type,
    beneficiary: ref(PATIENT_URL),
    payor: [{ display: 'payer' }],
    ...fields,
  };
}

export function practitionerRole(
  specialty: CodeableConcept,
  fields: Partial<PractitionerRole> = {},
): PractitionerRole {
  return { resourceType: 'PractitionerRole', specialty: [specialty], ...fields };
}

/** Resources as a bundle's entries: each with its fullUrl (`urn:uuid:<name>`) and location. */
export function entries(
  ...resources: ReadonlyArray<readonly [string, Resource] | Resource>
): FhirMappingEntry[] {
  return resources.map((item, index) => {
    const [name, resource] = Array.isArray(item) ? item : [undefined, item as Resource];
    return {
      resource,
      ...(name === undefined ? {} : { fullUrl: `urn:uuid:${name}` }),
      location: `Bundle.entry[${index}].resource`,
    };
  });
}

/**
 * The resources of one diabetic inpatient stay (patient-1, encounter-1, diagnosis-1 coded E11.9),
 * with the extra resources given after them.
 */
export function stay(
  fields: {
    patient?: Partial<Patient> & { mrn?: string };
    encounter?: Partial<Encounter> & { visitNumber?: string };
    diagnosis?: Condition;
  } = {},
  ...extra: ReadonlyArray<readonly [string, Resource] | Resource>
): FhirMappingEntry[] {
  return entries(
    ['patient-1', patient(fields.patient)],
    ['encounter-1', encounter(fields.encounter)],
    ['diagnosis-1', fields.diagnosis ?? condition('E11.9', { encounter: ref(ENCOUNTER_URL) })],
    ...extra,
  );
}
