import type { Condition, Extension, Patient } from '../mapping/fhir-r4';
import { SYSTEM, US_CORE_ETHNICITY, US_CORE_RACE } from '../mapping/code-systems';
import { isoDate, isoInstant, type Day } from './calendar';
import { SYSTEMS } from './code-systems';
import { reference, resourceId } from './resource-ids';

/** What the patient's rows say about the patient (one value each, chosen by exportUciRows). */
export interface PatientFacts {
  readonly patientNbr: string;
  readonly gender: string;
  readonly race: string | null;
  readonly birthDay: Day;
  /** The day of the first stay: the diabetes is on the problem list before it. */
  readonly firstAdmissionDay: Day;
}

const GENDER: Readonly<Record<string, Patient['gender']>> = {
  Female: 'female',
  Male: 'male',
  'Unknown/Invalid': 'unknown',
};

/** The OMB race category of each UCI race (Hispanic is an ethnicity, Other a detailed race). */
const OMB_RACE: Readonly<Record<string, { code: string; display: string }>> = {
  Caucasian: { code: '2106-3', display: 'White' },
  AfricanAmerican: { code: '2054-5', display: 'Black or African American' },
  Asian: { code: '2028-9', display: 'Asian' },
};

const cdc = (code: string, display: string) => ({
  system: SYSTEM.cdcRace,
  code,
  display,
});

/**
 * The US Core race or ethnicity extensions for a UCI race: the table records Hispanic as a race
 * (one value per patient), FHIR as an ethnicity; "Other" is the detailed race 2131-1 (Other
 * Race), which has no OMB category.
 */
export function raceExtensions(race: string | null): Extension[] {
  if (race === null) return [];
  if (race === 'Hispanic')
    return [
      {
        url: US_CORE_ETHNICITY,
        extension: [
          { url: 'ombCategory', valueCoding: cdc('2135-2', 'Hispanic or Latino') },
          { url: 'text', valueString: 'Hispanic or Latino' },
        ],
      },
    ];
  const omb = OMB_RACE[race];
  const category = omb
    ? { url: 'ombCategory', valueCoding: cdc(omb.code, omb.display) }
    : { url: 'detailed', valueCoding: cdc('2131-1', 'Other Race') };
  return [
    {
      url: US_CORE_RACE,
      extension: [category, { url: 'text', valueString: category.valueCoding.display }],
    },
  ];
}

export function patientResource(facts: PatientFacts): Patient {
  const extension = raceExtensions(facts.race);
  return {
    resourceType: 'Patient',
    id: resourceId('p', facts.patientNbr),
    ...(extension.length > 0 ? { extension } : {}),
    identifier: [
      {
        use: 'usual',
        type: { coding: [{ system: SYSTEM.identifierType, code: 'MR' }] },
        system: SYSTEMS.patientNbr,
        value: facts.patientNbr,
      },
    ],
    gender: GENDER[facts.gender] ?? 'unknown',
    birthDate: isoDate(facts.birthDay),
  };
}

/** How long before the first stay the diabetes is on the problem list. */
const DIABETES_KNOWN_DAYS = 730;

/**
 * Type 2 diabetes on the problem list, active since before the first stay: every UCI encounter
 * is of a diabetic patient, but half the rows name no 250.x code among diag_1..3, and the
 * mapper takes the cohort's diabetes from the encounter's diagnoses or the problem list.
 */
export function diabetesProblem(facts: PatientFacts): Condition {
  const since = facts.firstAdmissionDay - DIABETES_KNOWN_DAYS;
  return {
    resourceType: 'Condition',
    id: resourceId('p', facts.patientNbr, 'diabetes'),
    identifier: [{ system: SYSTEMS.problem, value: `${facts.patientNbr}-diabetes` }],
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active' }] },
    verificationStatus: {
      coding: [{ system: SYSTEMS.conditionVerification, code: 'confirmed' }],
    },
    category: [
      {
        coding: [
          {
            system: SYSTEM.conditionCategory,
            code: 'problem-list-item',
            display: 'Problem List Item',
          },
        ],
      },
    ],
    code: {
      coding: [
        {
          system: SYSTEM.icd9cm,
          code: '250.00',
          display:
            'Diabetes mellitus without mention of complication, type II or unspecified type, not stated as uncontrolled',
        },
      ],
      text: 'Type 2 diabetes mellitus',
    },
    subject: reference('Patient', resourceId('p', facts.patientNbr)),
    onsetDateTime: isoDate(since),
    recordedDate: isoInstant(since, 10 * 60),
  };
}
