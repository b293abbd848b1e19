import type { EncounterRecorded } from '@readmit/contracts';
import { diagnosisGroup } from './icd10-groups';

/** What the feature pipeline reads: an encounter's attributes (the event without metadata). */
export type EncounterInput = Omit<
  EncounterRecorded,
  'envelope' | 'recordedAt' | 'source' | 'sealedFields'
>;

/** The ten-year age bands of the table, youngest first; a band's index is the ordinal feature. */
export const AGE_BANDS: readonly string[] = [
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

/** The 23 medication fields (dose change during the encounter: No, Steady, Up, Down). */
export const MEDICATION_FIELDS = [
  'metformin',
  'repaglinide',
  'nateglinide',
  'chlorpropamide',
  'glimepiride',
  'acetohexamide',
  'glipizide',
  'glyburide',
  'tolbutamide',
  'pioglitazone',
  'rosiglitazone',
  'acarbose',
  'miglitol',
  'troglitazone',
  'tolazamide',
  'examide',
  'citoglipton',
  'insulin',
  'glyburide_metformin',
  'glipizide_metformin',
  'glimepiride_pioglitazone',
  'metformin_rosiglitazone',
  'metformin_pioglitazone',
] as const satisfies ReadonlyArray<keyof EncounterInput>;

/** A numeric input: how to read it from an encounter. */
export interface NumericInput {
  readonly name: string;
  readonly read: (encounter: EncounterInput) => number;
}

/** A categorical input: its value as text, or null when missing (missing is its own column). */
export interface CategoricalInput {
  readonly name: string;
  readonly read: (encounter: EncounterInput) => string | null;
  /** Keep at most this many categories (the most frequent); the rest share "(other)". */
  readonly maxCategories: number;
}

const count =
  (field: keyof EncounterInput) =>
  (encounter: EncounterInput): number =>
    encounter[field] as number;
const text =
  (field: keyof EncounterInput) =>
  (encounter: EncounterInput): string | null =>
    encounter[field] as string | null;
const id =
  (field: keyof EncounterInput) =>
  (encounter: EncounterInput): string =>
    String(encounter[field]);

/**
 * Numeric inputs: counts as they are, age as its band's index (an ordinal: risk rises with age),
 * and the sum of prior visits, the strongest single predictor of readmission in this table.
 */
export const NUMERIC_INPUTS: readonly NumericInput[] = [
  { name: 'age_band', read: (encounter) => AGE_BANDS.indexOf(encounter.age) },
  { name: 'time_in_hospital', read: count('time_in_hospital') },
  { name: 'num_lab_procedures', read: count('num_lab_procedures') },
  { name: 'num_procedures', read: count('num_procedures') },
  { name: 'num_medications', read: count('num_medications') },
  { name: 'number_outpatient', read: count('number_outpatient') },
  { name: 'number_emergency', read: count('number_emergency') },
  { name: 'number_inpatient', read: count('number_inpatient') },
  { name: 'number_diagnoses', read: count('number_diagnoses') },
  {
    name: 'prior_visits',
    read: (encounter) =>
      encounter.number_outpatient + encounter.number_emergency + encounter.number_inpatient,
  },
];

/** The clinical group of one of the encounter's diagnosis codes, in the encounter's code system. */
const groupOf = (code: string | null, encounter: EncounterInput) =>
  diagnosisGroup(code, encounter.diagnosisCodeSystem ?? 'ICD9CM');

/**
 * Categorical inputs, one-hot encoded over the categories seen when fitting. High-cardinality
 * columns are tamed: diagnoses by clinical group (ICD-9 chapters, ICD-10 mapped onto them), the specialty by a frequency cap.
 */
export const CATEGORICAL_INPUTS: readonly CategoricalInput[] = [
  { name: 'race', read: text('race'), maxCategories: 10 },
  { name: 'gender', read: text('gender'), maxCategories: 3 },
  // Weight is missing in 97% of rows: whether it was recorded is the signal.
  { name: 'weight_recorded', read: (e) => (e.weight === null ? null : 'yes'), maxCategories: 1 },
  { name: 'admission_type_id', read: id('admission_type_id'), maxCategories: 10 },
  { name: 'discharge_disposition_id', read: id('discharge_disposition_id'), maxCategories: 30 },
  { name: 'admission_source_id', read: id('admission_source_id'), maxCategories: 25 },
  { name: 'payer_code', read: text('payer_code'), maxCategories: 20 },
  { name: 'medical_specialty', read: text('medical_specialty'), maxCategories: 20 },
  // ICD-9-CM and ICD-10-CM codes fall into the same groups, so one model reads both.
  { name: 'diag_1_group', read: (e) => groupOf(e.diag_1, e), maxCategories: 10 },
  { name: 'diag_2_group', read: (e) => groupOf(e.diag_2, e), maxCategories: 10 },
  { name: 'diag_3_group', read: (e) => groupOf(e.diag_3, e), maxCategories: 10 },
  { name: 'max_glu_serum', read: text('max_glu_serum'), maxCategories: 4 },
  { name: 'A1Cresult', read: text('A1Cresult'), maxCategories: 4 },
  ...MEDICATION_FIELDS.map((field) => ({ name: field, read: text(field), maxCategories: 4 })),
  { name: 'change', read: text('change'), maxCategories: 2 },
  { name: 'diabetesMed', read: text('diabetesMed'), maxCategories: 2 },
];
