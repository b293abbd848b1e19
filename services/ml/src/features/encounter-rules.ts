import {
  isLoggedIdentifier,
  type DiagnosisCodeSystem,
  type EncounterRecorded,
  type IdentifierKind,
} from '@readmit/contracts';
import { AGE_BANDS, type EncounterInput } from './encounter-features';

/**
 * The field rules of an encounter: what every path that takes one in (ingest's CSV and JSON
 * lines, the gateway's REST body) and every consumer of EncounterRecorded accepts. One table, so
 * a value refused at the door is refused on the log too.
 */

/** A field that breaks its rule. Messages never hold the value of an identifier. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export type EncounterField = keyof EncounterInput;

export type FieldRule =
  /**
   * An identifier as it comes in from outside (a CSV cell, a REST body): a positive whole number
   * of at most 15 digits, never quoted. Readers turn it into its pseudonym at once.
   */
  | { readonly kind: 'identifier' }
  /**
   * An identifier as events carry it: the keyed pseudonym of its kind (or the legacy clear id of
   * an event written before pseudonyms, docs/security.md), never quoted.
   */
  | { readonly kind: 'pseudonym'; readonly of: IdentifierKind }
  | { readonly kind: 'count'; readonly min: number; readonly max: number }
  /** One of a few values; optional ones may be missing (null). */
  | { readonly kind: 'choice'; readonly values: readonly string[]; readonly optional: boolean }
  /** An optional code or name whose shape (and so length) a pattern fixes. */
  | { readonly kind: 'code'; readonly pattern: RegExp; readonly description: string }
  /** An optional instant: whole milliseconds since 1970 (UTC), within what a Date holds. */
  | { readonly kind: 'time' };

/** The largest identifier: 15 digits, well inside what a double holds exactly. */
export const MAX_IDENTIFIER = 999_999_999_999_999;

export const GENDERS = ['Female', 'Male', 'Unknown/Invalid'] as const;
/** The race values of diabetic_data.csv (`?` is missing). */
export const RACES = ['Caucasian', 'AfricanAmerican', 'Hispanic', 'Asian', 'Other'] as const;
export const MEDICATION_VALUES = ['No', 'Steady', 'Up', 'Down'] as const;
export const GLUCOSE_VALUES = ['None', 'Norm', '>200', '>300'] as const;
export const A1C_VALUES = ['None', 'Norm', '>7', '>8'] as const;
export const DIAGNOSIS_CODE_SYSTEMS = [
  'ICD9CM',
  'ICD10CM',
] as const satisfies readonly DiagnosisCodeSystem[];

/** ICD-9 codes: numeric (250, 250.83, 8), V codes (V57, V45.81) and E codes (E888). */
const ICD9_CODE: FieldRule = {
  kind: 'code',
  // E codes are E000–E030 (status, activity) and E800–E999 (external causes) only: `E119` is
  // ICD-10-CM's E11.9 without its dot, never an ICD-9 code.
  pattern: /^(\d{1,3}(\.\d{1,2})?|V\d{2}(\.\d{1,2})?|E(0[0-2]\d|030|[89]\d\d)(\.\d)?)$/,
  description: 'an ICD-9 code like 250.83, V57 or E888',
};

/**
 * ICD-10-CM codes, dotted or not (E11.9, E119, S72.001A): a letter, a digit, a digit or letter,
 * then up to four more, with the dot only after the third. The shape is checked, not the code
 * list (isIcd10Code).
 */
const ICD10_CODE: FieldRule = {
  kind: 'code',
  pattern: /^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$/,
  description: 'an ICD-10-CM code like E11.9, I50.9 or S72.001A',
};

/** The codes of an encounter's diagnoses are in the system it names (null: ICD-9-CM). */
export function diagnosisRule(system: DiagnosisCodeSystem | null): FieldRule {
  return system === 'ICD10CM' ? ICD10_CODE : ICD9_CODE;
}

/** The rule of a clear identifier read from text, before it is pseudonymised. */
export const CLEAR_IDENTIFIER: FieldRule = { kind: 'identifier' };
const count = (min: number, max: number): FieldRule => ({ kind: 'count', min, max });
const choice = (values: readonly string[], optional = false): FieldRule => ({
  kind: 'choice',
  values,
  optional,
});
const medication = choice(MEDICATION_VALUES);
/** The ids explained in IDs_mapping.csv (ingest also checks them against the file when it has it). */
const mappedId = count(1, 99);
/**
 * Counts of one stay or of the year before it. The bounds are far above anything in the UCI data
 * (its largest: 132 lab procedures, 81 medications, 76 emergency visits, 16 diagnoses) and far
 * below what only a broken writer produces (2147483647).
 */
const visits = count(0, 999);

/** Every attribute of an encounter, in the order of diabetic_data.csv. */
export const ENCOUNTER_RULES: { readonly [F in EncounterField]: FieldRule } = {
  encounter_id: { kind: 'pseudonym', of: 'encounter' },
  patient_nbr: { kind: 'pseudonym', of: 'patient' },
  race: choice(RACES, true),
  gender: choice(GENDERS),
  age: choice(AGE_BANDS),
  weight: {
    kind: 'code',
    pattern: /^(\[\d{1,3}-\d{1,3}\)|>\d{1,3})$/,
    description: 'a weight band like [75-100)',
  },
  admission_type_id: mappedId,
  discharge_disposition_id: mappedId,
  admission_source_id: mappedId,
  // Days, 1 to 14 in the UCI data dictionary: longer stays are not in the study.
  time_in_hospital: count(1, 14),
  // The stay's dates (FHIR senders have them, the UCI table has not); dischargedAt >= admittedAt.
  admittedAt: { kind: 'time' },
  dischargedAt: { kind: 'time' },
  payer_code: {
    kind: 'code',
    pattern: /^[A-Z]{2}$/,
    description: 'a two-letter payer code like MC',
  },
  // Free text in the data (Surgery-Cardiovascular/Thoracic, Obsterics&Gynecology-GynecologicOnco):
  // only its length is held.
  medical_specialty: {
    kind: 'code',
    pattern: /^[\s\S]{1,64}$/,
    description: 'a specialty name of at most 64 characters',
  },
  num_lab_procedures: count(0, 999),
  num_procedures: count(0, 99),
  num_medications: count(0, 999),
  number_outpatient: visits,
  number_emergency: visits,
  number_inpatient: visits,
  // ICD-9-CM unless diagnosisCodeSystem says ICD-10-CM (diagnosisRule).
  diag_1: ICD9_CODE,
  diag_2: ICD9_CODE,
  diag_3: ICD9_CODE,
  diagnosisCodeSystem: choice(DIAGNOSIS_CODE_SYSTEMS, true),
  number_diagnoses: count(0, 99),
  max_glu_serum: choice(GLUCOSE_VALUES, true),
  A1Cresult: choice(A1C_VALUES, true),
  metformin: medication,
  repaglinide: medication,
  nateglinide: medication,
  chlorpropamide: medication,
  glimepiride: medication,
  acetohexamide: medication,
  glipizide: medication,
  glyburide: medication,
  tolbutamide: medication,
  pioglitazone: medication,
  rosiglitazone: medication,
  acarbose: medication,
  miglitol: medication,
  troglitazone: medication,
  tolazamide: medication,
  examide: medication,
  citoglipton: medication,
  insulin: medication,
  glyburide_metformin: medication,
  glipizide_metformin: medication,
  glimepiride_pioglitazone: medication,
  metformin_rosiglitazone: medication,
  metformin_pioglitazone: medication,
  change: choice(['No', 'Ch']),
  diabetesMed: choice(['No', 'Yes']),
};

/**
 * Why a value breaks its rule, without the value (e.g. "is not a whole number from 1 to 14");
 * null when it keeps it. Text readers quote the value in front where it is not an identifier.
 */
export function fieldProblem(rule: FieldRule, value: unknown): string | null {
  switch (rule.kind) {
    case 'identifier':
      return Number.isSafeInteger(value) &&
        (value as number) > 0 &&
        (value as number) <= MAX_IDENTIFIER
        ? null
        : 'must be a positive whole number';
    case 'pseudonym':
      return isLoggedIdentifier(rule.of, value) ? null : `is not a pseudonym of kind ${rule.of}`;
    case 'count':
      return Number.isInteger(value) &&
        (value as number) >= rule.min &&
        (value as number) <= rule.max
        ? null
        : `is not a whole number from ${rule.min} to ${rule.max}`;
    case 'choice':
      if (value === null && rule.optional) return null;
      return typeof value === 'string' && rule.values.includes(value)
        ? null
        : `is not one of ${rule.values.join(', ')}`;
    case 'code':
      if (value === null) return null;
      return typeof value === 'string' && rule.pattern.test(value)
        ? null
        : `is not ${rule.description}`;
    case 'time':
      return value === null || isTime(value) ? null : 'is not a time in milliseconds since 1970';
  }
}

/** The latest time an event may carry: JavaScript's last date, so a Date can hold it. */
const MAX_TIME = 8_640_000_000_000_000;

const isTime = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TIME;

/** A stay ends after it begins: the only rule that joins two fields. */
export const DISCHARGE_BEFORE_ADMISSION = 'is before admittedAt';

function checkStay(errors: FieldError[], encounter: EncounterInput): void {
  const { admittedAt, dischargedAt } = encounter;
  if (isTime(admittedAt) && isTime(dischargedAt) && dischargedAt < admittedAt)
    errors.push({ field: 'dischargedAt', message: DISCHARGE_BEFORE_ADMISSION });
}

function check(errors: FieldError[], field: string, rule: FieldRule, value: unknown): void {
  const problem = fieldProblem(rule, value);
  if (problem !== null) errors.push({ field, message: problem });
}

const R = ENCOUNTER_RULES;

/**
 * The attributes of an encounter that break their rules, each named by its field, in order. Every
 * consumed encounter goes through it: written out field by field, because reading the fields by
 * name from a list of keys costs more than twice as much (keyed loads), about a microsecond.
 */
export function encounterFieldErrors(encounter: EncounterInput): FieldError[] {
  const errors: FieldError[] = [];
  check(errors, 'encounter_id', R.encounter_id, encounter.encounter_id);
  check(errors, 'patient_nbr', R.patient_nbr, encounter.patient_nbr);
  check(errors, 'race', R.race, encounter.race);
  check(errors, 'gender', R.gender, encounter.gender);
  check(errors, 'age', R.age, encounter.age);
  check(errors, 'weight', R.weight, encounter.weight);
  check(errors, 'admission_type_id', R.admission_type_id, encounter.admission_type_id);
  check(
    errors,
    'discharge_disposition_id',
    R.discharge_disposition_id,
    encounter.discharge_disposition_id,
  );
  check(errors, 'admission_source_id', R.admission_source_id, encounter.admission_source_id);
  check(errors, 'time_in_hospital', R.time_in_hospital, encounter.time_in_hospital);
  check(errors, 'admittedAt', R.admittedAt, encounter.admittedAt);
  check(errors, 'dischargedAt', R.dischargedAt, encounter.dischargedAt);
  checkStay(errors, encounter);
  check(errors, 'payer_code', R.payer_code, encounter.payer_code);
  check(errors, 'medical_specialty', R.medical_specialty, encounter.medical_specialty);
  check(errors, 'num_lab_procedures', R.num_lab_procedures, encounter.num_lab_procedures);
  check(errors, 'num_procedures', R.num_procedures, encounter.num_procedures);
  check(errors, 'num_medications', R.num_medications, encounter.num_medications);
  check(errors, 'number_outpatient', R.number_outpatient, encounter.number_outpatient);
  check(errors, 'number_emergency', R.number_emergency, encounter.number_emergency);
  check(errors, 'number_inpatient', R.number_inpatient, encounter.number_inpatient);
  check(errors, 'diagnosisCodeSystem', R.diagnosisCodeSystem, encounter.diagnosisCodeSystem);
  const diagnosis = diagnosisRule(encounter.diagnosisCodeSystem);
  check(errors, 'diag_1', diagnosis, encounter.diag_1);
  check(errors, 'diag_2', diagnosis, encounter.diag_2);
  check(errors, 'diag_3', diagnosis, encounter.diag_3);
  check(errors, 'number_diagnoses', R.number_diagnoses, encounter.number_diagnoses);
  check(errors, 'max_glu_serum', R.max_glu_serum, encounter.max_glu_serum);
  check(errors, 'A1Cresult', R.A1Cresult, encounter.A1Cresult);
  check(errors, 'metformin', R.metformin, encounter.metformin);
  check(errors, 'repaglinide', R.repaglinide, encounter.repaglinide);
  check(errors, 'nateglinide', R.nateglinide, encounter.nateglinide);
  check(errors, 'chlorpropamide', R.chlorpropamide, encounter.chlorpropamide);
  check(errors, 'glimepiride', R.glimepiride, encounter.glimepiride);
  check(errors, 'acetohexamide', R.acetohexamide, encounter.acetohexamide);
  check(errors, 'glipizide', R.glipizide, encounter.glipizide);
  check(errors, 'glyburide', R.glyburide, encounter.glyburide);
  check(errors, 'tolbutamide', R.tolbutamide, encounter.tolbutamide);
  check(errors, 'pioglitazone', R.pioglitazone, encounter.pioglitazone);
  check(errors, 'rosiglitazone', R.rosiglitazone, encounter.rosiglitazone);
  check(errors, 'acarbose', R.acarbose, encounter.acarbose);
  check(errors, 'miglitol', R.miglitol, encounter.miglitol);
  check(errors, 'troglitazone', R.troglitazone, encounter.troglitazone);
  check(errors, 'tolazamide', R.tolazamide, encounter.tolazamide);
  check(errors, 'examide', R.examide, encounter.examide);
  check(errors, 'citoglipton', R.citoglipton, encounter.citoglipton);
  check(errors, 'insulin', R.insulin, encounter.insulin);
  check(errors, 'glyburide_metformin', R.glyburide_metformin, encounter.glyburide_metformin);
  check(errors, 'glipizide_metformin', R.glipizide_metformin, encounter.glipizide_metformin);
  check(
    errors,
    'glimepiride_pioglitazone',
    R.glimepiride_pioglitazone,
    encounter.glimepiride_pioglitazone,
  );
  check(
    errors,
    'metformin_rosiglitazone',
    R.metformin_rosiglitazone,
    encounter.metformin_rosiglitazone,
  );
  check(
    errors,
    'metformin_pioglitazone',
    R.metformin_pioglitazone,
    encounter.metformin_pioglitazone,
  );
  check(errors, 'change', R.change, encounter.change);
  check(errors, 'diabetesMed', R.diabetesMed, encounter.diabetesMed);
  return errors;
}

const MAX_SOURCE_LENGTH = 1_024;

/**
 * An EncounterRecorded as its consumers must see it: its attributes by the rules, a recording
 * time a Date can hold, and a source that names where it came from.
 */
export function encounterEventErrors(event: EncounterRecorded): FieldError[] {
  const errors = encounterFieldErrors(event);
  if (!isTime(event.recordedAt))
    errors.push({ field: 'recordedAt', message: 'is not a time in milliseconds since 1970' });
  if (!(
    typeof event.source === 'string' &&
    event.source.length >= 1 &&
    event.source.length <= MAX_SOURCE_LENGTH
  ))
    errors.push({ field: 'source', message: `must be 1 to ${MAX_SOURCE_LENGTH} characters` });
  return errors;
}
