import type { EncounterRecorded, MedicationChange, ReadmissionClass } from '@readmit/contracts';
import { MAPPED_ID_COLUMNS, type IdsMapping } from './ids-mapping';

/** The columns of diabetic_data.csv, in the file's order. */
export const CSV_COLUMNS = [
  'encounter_id', 'patient_nbr', 'race', 'gender', 'age', 'weight', 'admission_type_id', 'discharge_disposition_id',
  'admission_source_id', 'time_in_hospital', 'payer_code', 'medical_specialty', 'num_lab_procedures', 'num_procedures',
  'num_medications', 'number_outpatient', 'number_emergency', 'number_inpatient', 'diag_1', 'diag_2', 'diag_3',
  'number_diagnoses', 'max_glu_serum', 'A1Cresult', 'metformin', 'repaglinide', 'nateglinide', 'chlorpropamide',
  'glimepiride', 'acetohexamide', 'glipizide', 'glyburide', 'tolbutamide', 'pioglitazone', 'rosiglitazone', 'acarbose',
  'miglitol', 'troglitazone', 'tolazamide', 'examide', 'citoglipton', 'insulin', 'glyburide-metformin',
  'glipizide-metformin', 'glimepiride-pioglitazone', 'metformin-rosiglitazone', 'metformin-pioglitazone', 'change',
  'diabetesMed', 'readmitted',
] as const; // prettier-ignore

export const MEDICATION_COLUMNS = CSV_COLUMNS.slice(
  CSV_COLUMNS.indexOf('metformin'),
  CSV_COLUMNS.indexOf('change'),
);

/** The encounter's attributes: the event without its envelope and ingest metadata. */
export type EncounterAttributes = Omit<EncounterRecorded, 'envelope' | 'recordedAt' | 'source'>;

/** The 23 medication columns, as fields (`glyburide-metformin` becomes `glyburide_metformin`). */
type MedicationFields = {
  [
    K in keyof EncounterAttributes as EncounterAttributes[K] extends MedicationChange ? K : never
  ]: MedicationChange;
};

export interface FieldError {
  /** The CSV column. */
  readonly field: string;
  readonly message: string;
}

export type ParsedRow =
  | {
      readonly ok: true;
      readonly encounter: EncounterAttributes;
      readonly outcome: ReadmissionClass | null;
    }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** `?` is how the UCI file writes a missing value; newer exports leave the cell empty. */
const isMissing = (value: string | undefined) =>
  value === undefined || value === '?' || value.trim() === '';

/** The ten-year age bands of the `age` column, youngest first. */
export const AGE_BANDS = [
  '[0-10)',
  '[10-20)',
  '[20-30)',
  '[30-40)',
  '[40-50)',
  '[50-60)',
  '[60-70)',
  '[70-80)',
  '[80-90)',
  '[90-100)',
];
const GENDERS = ['Female', 'Male', 'Unknown/Invalid'];
const MEDICATION_VALUES: readonly MedicationChange[] = ['No', 'Steady', 'Up', 'Down'];
const GLUCOSE_VALUES = ['None', 'Norm', '>200', '>300'];
const A1C_VALUES = ['None', 'Norm', '>7', '>8'];
/** ICD-9 codes: numeric (250, 250.83, 8), V codes (V57, V45.81) and E codes (E888). */
const ICD9 = /^(\d{1,3}(\.\d{1,2})?|V\d{2}(\.\d{1,2})?|E\d{3}(\.\d)?)$/;
const ICD9_CODE = { pattern: ICD9, description: 'an ICD-9 code like 250.83, V57 or E888' };
const WEIGHT_BAND = /^(\[\d+-\d+\)|>\d+)$/;

const READMITTED: Readonly<Record<string, ReadmissionClass>> = {
  NO: 'NO',
  '>30': 'AFTER_30_DAYS',
  '<30': 'WITHIN_30_DAYS',
};

/**
 * Checks a file's header: every column must be there (order and extra columns do not matter).
 * Returns the missing columns.
 */
export function missingColumns(header: readonly string[]): string[] {
  const present = new Set(header.map((column) => column.trim()));
  return CSV_COLUMNS.filter((column) => !present.has(column));
}

/**
 * Parses one row of diabetic_data.csv into encounter attributes and, when the row has a label,
 * its readmission class. Every bad field is reported, each with its column. Identifier values
 * never appear in messages.
 */
export function parseEncounterRow(
  row: Readonly<Record<string, string | undefined>>,
  mapping?: IdsMapping,
): ParsedRow {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  const identifier = (field: string): number => {
    const value = row[field];
    if (value === undefined || !/^\d{1,15}$/.test(value.trim()) || Number(value) <= 0) {
      fail(field, 'must be a positive whole number');
      return 0;
    }
    return Number(value);
  };
  const count = (field: string, min: number, max: number): number => {
    const value = row[field];
    const number = value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!(number >= min && number <= max)) {
      fail(field, `'${value ?? ''}' is not a whole number from ${min} to ${max}`);
      return 0;
    }
    return number;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T => {
    const value = row[field] ?? '';
    if (!(allowed as readonly string[]).includes(value)) {
      fail(field, `'${value}' is not one of ${allowed.join(', ')}`);
      return allowed[0];
    }
    return value as T;
  };
  const optional = (
    field: string,
    check?: { pattern: RegExp; description: string } | readonly string[],
  ): string | null => {
    const value = row[field];
    if (isMissing(value)) return null;
    const text = (value as string).trim();
    if (Array.isArray(check) && !check.includes(text))
      fail(field, `'${text}' is not one of ${check.join(', ')}`);
    if (check && !Array.isArray(check) && !(check as { pattern: RegExp }).pattern.test(text)) {
      fail(field, `'${text}' is not ${(check as { description: string }).description}`);
    }
    return text;
  };
  const mappedId = (field: (typeof MAPPED_ID_COLUMNS)[number]): number => {
    const id = count(field, 1, 99);
    if (mapping && id > 0 && !mapping[field].has(id))
      fail(field, `${id} is not an id listed in IDs_mapping.csv`);
    return id;
  };

  const medicationFields = (): MedicationFields =>
    Object.fromEntries(
      MEDICATION_COLUMNS.map((column) => [
        column.replace(/-/g, '_'),
        oneOf(column, MEDICATION_VALUES),
      ]),
    ) as MedicationFields;

  const encounter: EncounterAttributes = {
    encounter_id: identifier('encounter_id'),
    patient_nbr: identifier('patient_nbr'),
    race: optional('race'),
    gender: oneOf('gender', GENDERS),
    age: oneOf('age', AGE_BANDS),
    weight: optional('weight', {
      pattern: WEIGHT_BAND,
      description: 'a weight band like [75-100)',
    }),
    admission_type_id: mappedId('admission_type_id'),
    discharge_disposition_id: mappedId('discharge_disposition_id'),
    admission_source_id: mappedId('admission_source_id'),
    time_in_hospital: count('time_in_hospital', 1, 14),
    payer_code: optional('payer_code'),
    medical_specialty: optional('medical_specialty'),
    num_lab_procedures: count('num_lab_procedures', 0, 999),
    num_procedures: count('num_procedures', 0, 99),
    num_medications: count('num_medications', 0, 999),
    number_outpatient: count('number_outpatient', 0, 999),
    number_emergency: count('number_emergency', 0, 999),
    number_inpatient: count('number_inpatient', 0, 999),
    diag_1: optional('diag_1', ICD9_CODE),
    diag_2: optional('diag_2', ICD9_CODE),
    diag_3: optional('diag_3', ICD9_CODE),
    number_diagnoses: count('number_diagnoses', 0, 99),
    max_glu_serum: optional('max_glu_serum', GLUCOSE_VALUES),
    A1Cresult: optional('A1Cresult', A1C_VALUES),
    ...medicationFields(),
    change: oneOf('change', ['No', 'Ch'] as const),
    diabetesMed: oneOf('diabetesMed', ['No', 'Yes'] as const),
  };

  let outcome: ReadmissionClass | null = null;
  const label = row.readmitted;
  if (!isMissing(label)) {
    outcome = READMITTED[(label as string).trim()] ?? null;
    if (!outcome) fail('readmitted', `'${label}' is not one of NO, >30, <30`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, encounter, outcome };
}
