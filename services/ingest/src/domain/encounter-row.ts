import type { EncounterRecorded, MedicationChange, ReadmissionClass } from '@readmit/contracts';
import { AGE_BANDS } from '@readmit/ml';
import type { IdsMapping, MappedIdColumn } from './ids-mapping';

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

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** A row as its values in CSV_COLUMNS order (the fast form for bulk loads); absent cells are undefined. */
export type RawRow = readonly (string | undefined)[];

/** Each column's position in a RawRow. */
export const AT = Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, index])) as Record<
  CsvColumn,
  number
>;

/** A row given as a record of column → cell (JSON lines, tests) in RawRow form. */
export function rawRowOf(record: Readonly<Record<string, string | undefined>>): RawRow {
  return CSV_COLUMNS.map((column) => record[column]);
}

/** A RawRow as a record of column → cell. */
export function recordOf(row: RawRow): Record<CsvColumn, string | undefined> {
  return Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, row[index]])) as Record<
    CsvColumn,
    string | undefined
  >;
}

export const MEDICATION_COLUMNS = CSV_COLUMNS.slice(
  CSV_COLUMNS.indexOf('metformin'),
  CSV_COLUMNS.indexOf('change'),
);

/** The encounter's attributes: the event without its envelope and ingest metadata. */
export type EncounterAttributes = Omit<EncounterRecorded, 'envelope' | 'recordedAt' | 'source'>;

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

/** The ten-year age bands of the `age` column, youngest first (shared with the features). */
export { AGE_BANDS };
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

const WHOLE_NUMBER = /^-?\d+$/;
const IDENTIFIER = /^\d{1,15}$/;

/**
 * Reads typed fields from one raw row and collects every problem. A class rather than closures
 * made per row: loading runs at tens of thousands of rows per second.
 */
class RowReader {
  readonly errors: FieldError[] = [];

  constructor(
    private readonly row: RawRow,
    private readonly mapping: IdsMapping | undefined,
  ) {}

  private fail(column: number, message: string): void {
    this.errors.push({ field: CSV_COLUMNS[column], message });
  }

  identifier(column: number): number {
    const value = this.row[column];
    if (value === undefined || !IDENTIFIER.test(value.trim()) || Number(value) <= 0) {
      this.fail(column, 'must be a positive whole number');
      return 0;
    }
    return Number(value);
  }

  count(column: number, min: number, max: number): number {
    const value = this.row[column];
    const number = value !== undefined && WHOLE_NUMBER.test(value.trim()) ? Number(value) : NaN;
    if (!(number >= min && number <= max)) {
      this.fail(column, `'${value ?? ''}' is not a whole number from ${min} to ${max}`);
      return 0;
    }
    return number;
  }

  oneOf<T extends string>(column: number, allowed: readonly T[]): T {
    const value = this.row[column] ?? '';
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(column, `'${value}' is not one of ${allowed.join(', ')}`);
      return allowed[0];
    }
    return value as T;
  }

  optional(
    column: number,
    check?: { pattern: RegExp; description: string } | readonly string[],
  ): string | null {
    const value = this.row[column];
    if (isMissing(value)) return null;
    const text = (value as string).trim();
    if (Array.isArray(check) && !check.includes(text))
      this.fail(column, `'${text}' is not one of ${check.join(', ')}`);
    if (check && !Array.isArray(check) && !(check as { pattern: RegExp }).pattern.test(text)) {
      this.fail(column, `'${text}' is not ${(check as { description: string }).description}`);
    }
    return text;
  }

  mappedId(column: number): number {
    const id = this.count(column, 1, 99);
    if (this.mapping && id > 0 && !this.mapping[CSV_COLUMNS[column] as MappedIdColumn].has(id))
      this.fail(column, `${id} is not an id listed in IDs_mapping.csv`);
    return id;
  }

  medication(column: number): MedicationChange {
    return this.oneOf(column, MEDICATION_VALUES);
  }
}

/**
 * Parses one row of diabetic_data.csv into encounter attributes and, when the row has a label,
 * its readmission class. Every bad field is reported, each with its column. Identifier values
 * never appear in messages.
 */
export function parseEncounterValues(row: RawRow, mapping?: IdsMapping): ParsedRow {
  const read = new RowReader(row, mapping);
  const encounter: EncounterAttributes = {
    encounter_id: read.identifier(AT.encounter_id),
    patient_nbr: read.identifier(AT.patient_nbr),
    race: read.optional(AT.race),
    gender: read.oneOf(AT.gender, GENDERS),
    age: read.oneOf(AT.age, AGE_BANDS),
    weight: read.optional(AT.weight, {
      pattern: WEIGHT_BAND,
      description: 'a weight band like [75-100)',
    }),
    admission_type_id: read.mappedId(AT.admission_type_id),
    discharge_disposition_id: read.mappedId(AT.discharge_disposition_id),
    admission_source_id: read.mappedId(AT.admission_source_id),
    time_in_hospital: read.count(AT.time_in_hospital, 1, 14),
    payer_code: read.optional(AT.payer_code),
    medical_specialty: read.optional(AT.medical_specialty),
    num_lab_procedures: read.count(AT.num_lab_procedures, 0, 999),
    num_procedures: read.count(AT.num_procedures, 0, 99),
    num_medications: read.count(AT.num_medications, 0, 999),
    number_outpatient: read.count(AT.number_outpatient, 0, 999),
    number_emergency: read.count(AT.number_emergency, 0, 999),
    number_inpatient: read.count(AT.number_inpatient, 0, 999),
    diag_1: read.optional(AT.diag_1, ICD9_CODE),
    diag_2: read.optional(AT.diag_2, ICD9_CODE),
    diag_3: read.optional(AT.diag_3, ICD9_CODE),
    number_diagnoses: read.count(AT.number_diagnoses, 0, 99),
    max_glu_serum: read.optional(AT.max_glu_serum, GLUCOSE_VALUES),
    A1Cresult: read.optional(AT.A1Cresult, A1C_VALUES),
    // Written out rather than spread: a spread would turn the object into a slow dictionary.
    metformin: read.medication(AT.metformin),
    repaglinide: read.medication(AT.repaglinide),
    nateglinide: read.medication(AT.nateglinide),
    chlorpropamide: read.medication(AT.chlorpropamide),
    glimepiride: read.medication(AT.glimepiride),
    acetohexamide: read.medication(AT.acetohexamide),
    glipizide: read.medication(AT.glipizide),
    glyburide: read.medication(AT.glyburide),
    tolbutamide: read.medication(AT.tolbutamide),
    pioglitazone: read.medication(AT.pioglitazone),
    rosiglitazone: read.medication(AT.rosiglitazone),
    acarbose: read.medication(AT.acarbose),
    miglitol: read.medication(AT.miglitol),
    troglitazone: read.medication(AT.troglitazone),
    tolazamide: read.medication(AT.tolazamide),
    examide: read.medication(AT.examide),
    citoglipton: read.medication(AT.citoglipton),
    insulin: read.medication(AT.insulin),
    glyburide_metformin: read.medication(AT['glyburide-metformin']),
    glipizide_metformin: read.medication(AT['glipizide-metformin']),
    glimepiride_pioglitazone: read.medication(AT['glimepiride-pioglitazone']),
    metformin_rosiglitazone: read.medication(AT['metformin-rosiglitazone']),
    metformin_pioglitazone: read.medication(AT['metformin-pioglitazone']),
    change: read.oneOf(AT.change, ['No', 'Ch'] as const),
    diabetesMed: read.oneOf(AT.diabetesMed, ['No', 'Yes'] as const),
  };

  let outcome: ReadmissionClass | null = null;
  const label = row[AT.readmitted];
  if (!isMissing(label)) {
    outcome = READMITTED[(label as string).trim()] ?? null;
    if (!outcome)
      read.errors.push({ field: 'readmitted', message: `'${label}' is not one of NO, >30, <30` });
  }
  return read.errors.length > 0
    ? { ok: false, errors: read.errors }
    : { ok: true, encounter, outcome };
}

/** parseEncounterValues for a row given as a record of column → cell. */
export function parseEncounterRow(
  record: Readonly<Record<string, string | undefined>>,
  mapping?: IdsMapping,
): ParsedRow {
  return parseEncounterValues(rawRowOf(record), mapping);
}
