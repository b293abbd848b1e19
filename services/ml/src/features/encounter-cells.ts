import type {
  DiagnosisCodeSystem,
  IdentifierKind,
  MedicationChange,
  Pseudonymize,
} from '@readmit/contracts';
import type { EncounterInput } from './encounter-features';
import {
  CLEAR_IDENTIFIER,
  DISCHARGE_BEFORE_ADMISSION,
  diagnosisRule,
  ENCOUNTER_RULES,
  fieldProblem,
  type EncounterField,
  type FieldError,
  type FieldRule,
} from './encounter-rules';

/** The attribute columns of diabetic_data.csv, in the file's order (the label, `readmitted`, follows them). */
export const ENCOUNTER_COLUMNS = [
  'encounter_id', 'patient_nbr', 'race', 'gender', 'age', 'weight', 'admission_type_id', 'discharge_disposition_id',
  'admission_source_id', 'time_in_hospital', 'payer_code', 'medical_specialty', 'num_lab_procedures', 'num_procedures',
  'num_medications', 'number_outpatient', 'number_emergency', 'number_inpatient', 'diag_1', 'diag_2', 'diag_3',
  'number_diagnoses', 'max_glu_serum', 'A1Cresult', 'metformin', 'repaglinide', 'nateglinide', 'chlorpropamide',
  'glimepiride', 'acetohexamide', 'glipizide', 'glyburide', 'tolbutamide', 'pioglitazone', 'rosiglitazone', 'acarbose',
  'miglitol', 'troglitazone', 'tolazamide', 'examide', 'citoglipton', 'insulin', 'glyburide-metformin',
  'glipizide-metformin', 'glimepiride-pioglitazone', 'metformin-rosiglitazone', 'metformin-pioglitazone', 'change',
  'diabetesMed',
] as const; // prettier-ignore

export type EncounterColumn = (typeof ENCOUNTER_COLUMNS)[number];

/** The event field of a column: Avro names cannot hold `-`, so it becomes `_`. */
export function fieldOfColumn(column: EncounterColumn): EncounterField {
  return column.replace(/-/g, '_') as EncounterField;
}

/** Each column's rule, by position: looked up for every cell read. */
const RULE_AT: readonly FieldRule[] = ENCOUNTER_COLUMNS.map(
  (column) => ENCOUNTER_RULES[fieldOfColumn(column)],
);

/** Text cells in ENCOUNTER_COLUMNS order (more may follow, e.g. the label); absent ones undefined. */
export type EncounterCells = readonly (string | undefined)[];

/** `?` is how the UCI file writes a missing value; newer exports leave the cell empty. */
export const isMissingCell = (value: string | undefined): boolean =>
  value === undefined || value === '?' || value.trim() === '';

const WHOLE_NUMBER = /^-?\d+$/;
const IDENTIFIER = /^\d{1,15}$/;
/**
 * The canonical text of a clear identifier as a cell holds it (`149190`, ` 0149190 `), the text
 * that is pseudonymised; null when it breaks the identifier rule. Leading zeros and spaces go, so
 * an id has one pseudonym however it is written, as it had one number.
 */
export function canonicalClearId(cell: string | undefined): string | null {
  const number = cell !== undefined && IDENTIFIER.test(cell.trim()) ? Number(cell) : NaN;
  return fieldProblem(CLEAR_IDENTIFIER, number) === null ? String(number) : null;
}

/**
 * How a source writes identifiers: `numeric`, as the UCI table does (a whole number of at most 15
 * digits); `text`, as FHIR business identifiers do (an MRN like `MRN-004512`, a visit number).
 */
export type IdentifierForm = 'numeric' | 'text';

const MAX_TEXT_IDENTIFIER = 128;
/** Printable, no control characters or line breaks: what an MRN or visit number may hold. */
const TEXT_IDENTIFIER = /^[^\p{Cc}]+$/u;
const TEXT_IDENTIFIER_PROBLEM = `must be an identifier of 1 to ${MAX_TEXT_IDENTIFIER} printable characters`;

/**
 * The canonical text of an identifier given as text, the text that is pseudonymised; null when it
 * is empty, too long or holds control characters. A numeric one is canonical as canonicalClearId
 * makes it, so an MRN sent as `0149190` in FHIR and as `149190` in a CSV is one patient.
 */
export function canonicalTextId(cell: string | undefined): string | null {
  const text = cell?.trim() ?? '';
  if (text.length === 0 || text.length > MAX_TEXT_IDENTIFIER || !TEXT_IDENTIFIER.test(text))
    return null;
  return canonicalClearId(text) ?? text;
}

/** Long enough to recognise a value, short enough for an error list. */
const QUOTED_LENGTH = 40;
/**
 * Five digits in a row: no valid value of a clinical field has them (counts stay under 1,000,
 * codes like 250.83 have three before the dot), while encounter ids, patient numbers and MRNs do.
 */
const MAY_BE_IDENTIFIER = /\d{5}/;

/**
 * A refused value as an error message may show it: quoted, cut to a readable length, and never
 * when it may be an identifier (a shifted CSV column puts a patient number under `age`), since
 * error bodies and reports must not carry one.
 */
export function quotedValue(text: string): string {
  if (MAY_BE_IDENTIFIER.test(text)) return 'the value (not shown: it may be an identifier)';
  return `'${text.length > QUOTED_LENGTH ? `${text.slice(0, QUOTED_LENGTH)}…` : text}'`;
}

const quoted = quotedValue;

/**
 * Reads typed fields from text cells by the encounter rules and collects every problem, named by
 * its column. A class rather than closures made per row: loading runs at tens of thousands of
 * rows per second.
 */
class CellReader {
  constructor(
    private readonly cells: EncounterCells,
    readonly errors: FieldError[],
    private readonly pseudonymize: Pseudonymize,
    private readonly identifiers: IdentifierForm,
  ) {}

  private fail(column: number, message: string): void {
    this.errors.push({ field: ENCOUNTER_COLUMNS[column], message });
  }

  private rule(column: number): FieldRule {
    return RULE_AT[column];
  }

  /**
   * A clear identifier, checked and turned into its pseudonym at once: nothing after the reader
   * holds it. Identifiers are never quoted: the message says what is wrong, not what was sent.
   * Its canonical text (no leading zeros, no spaces) is what is pseudonymised, so `0149190` and
   * `149190` are one encounter, as they were when ids were numbers.
   */
  identifier(column: number, kind: IdentifierKind): string {
    const cell = this.cells[column];
    const clearId =
      this.identifiers === 'text' ? canonicalTextId(cell) : canonicalClearId(this.cells[column]);
    if (clearId === null) {
      this.fail(
        column,
        this.identifiers === 'text'
          ? TEXT_IDENTIFIER_PROBLEM
          : (fieldProblem(CLEAR_IDENTIFIER, NaN) as string),
      );
      return '';
    }
    return this.pseudonymize(kind, clearId);
  }

  count(column: number): number {
    const value = this.cells[column];
    const number = value !== undefined && WHOLE_NUMBER.test(value.trim()) ? Number(value) : NaN;
    const problem = fieldProblem(this.rule(column), number);
    if (problem !== null) {
      this.fail(column, `${quoted(value ?? '')} ${problem}`);
      return 0;
    }
    return number;
  }

  /** A required choice; on a problem the first allowed value stands in (the row is refused anyway). */
  oneOf<T extends string>(column: number): T {
    const rule = this.rule(column);
    const value = this.cells[column] ?? '';
    const problem = fieldProblem(rule, value);
    if (problem !== null) {
      this.fail(column, `${quoted(value)} ${problem}`);
      return (rule.kind === 'choice' ? rule.values[0] : '') as T;
    }
    return value as T;
  }

  /** An optional choice or code: missing is null, otherwise trimmed and checked. */
  optional(column: number): string | null {
    const value = this.cells[column];
    if (isMissingCell(value)) return null;
    const text = (value as string).trim();
    const problem = fieldProblem(this.rule(column), text);
    if (problem !== null) this.fail(column, `${quoted(text)} ${problem}`);
    return text;
  }

  medication(column: number): MedicationChange {
    return this.oneOf<MedicationChange>(column);
  }

  /**
   * The code system of the diagnoses, from its own cell (not a diabetic_data.csv column): null
   * when missing (ICD-9-CM), undefined when it names no system we know (an error is added).
   */
  codeSystem(cell: string | undefined): DiagnosisCodeSystem | null | undefined {
    if (isMissingCell(cell)) return null;
    const text = (cell as string).trim();
    const problem = fieldProblem(ENCOUNTER_RULES.diagnosisCodeSystem, text);
    if (problem !== null) {
      this.errors.push({
        field: DIAGNOSIS_CODE_SYSTEM_COLUMN,
        message: `${quoted(text)} ${problem}`,
      });
      return undefined;
    }
    return text as DiagnosisCodeSystem;
  }

  /**
   * A diagnosis code, checked by the rule of its code system; not checked when the system is
   * unknown (its own error says why: the codes cannot be judged without it).
   */
  /**
   * An optional instant from its own cell: an ISO 8601 date (midnight UTC) or date-time with its
   * offset (`2015-03-02T14:05:00Z`, `…+01:00`); null when missing. A date-time without an offset
   * is refused: its instant depends on a time zone nobody named.
   */
  time(column: OptionalColumn, cell: string | undefined): number | null {
    if (isMissingCell(cell)) return null;
    const text = (cell as string).trim();
    const millis = ISO_INSTANT.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(millis) || fieldProblem(ENCOUNTER_RULES.admittedAt, millis) !== null) {
      this.errors.push({
        field: column,
        message: `${quoted(text)} is not an ISO 8601 date or date-time with its offset`,
      });
      return null;
    }
    return millis;
  }

  diagnosis(column: number, system: DiagnosisCodeSystem | null | undefined): string | null {
    const value = this.cells[column];
    if (isMissingCell(value)) return null;
    const text = (value as string).trim();
    if (system === undefined) return text;
    const problem = fieldProblem(diagnosisRule(system), text);
    if (problem !== null) this.fail(column, `${quoted(text)} ${problem}`);
    return text;
  }
}

/**
 * The optional column (CSV, JSON lines, REST bodies) that names the code system of a row's
 * diagnoses: ICD9CM or ICD10CM. Absent or empty: ICD-9-CM, the UCI table's.
 */
export const DIAGNOSIS_CODE_SYSTEM_COLUMN = 'diag_code_system';

/**
 * The columns a row may add to diabetic_data.csv's (a file without them is the UCI file): the code
 * system of its diagnoses, and the stay's dates (admitted_at, discharged_at: ISO 8601), which the
 * readmission labeller needs and the UCI table does not have.
 */
export const OPTIONAL_COLUMNS = [
  DIAGNOSIS_CODE_SYSTEM_COLUMN,
  'admitted_at',
  'discharged_at',
] as const;

export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

/** The optional cells of a row, by column. */
export type OptionalCells = Partial<Readonly<Record<OptionalColumn, string | undefined>>>;

/** 2015-03-02, or 2015-03-02T14:05[:00[.000]] with Z or ±hh:mm. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Each column's position in EncounterCells. */
const AT = Object.fromEntries(ENCOUNTER_COLUMNS.map((column, index) => [column, index])) as Record<
  EncounterColumn,
  number
>;

/**
 * Reads an encounter's attributes from text cells (a CSV row, JSON lines, a REST body) by the
 * encounter rules, its identifiers as their pseudonyms (`pseudonymize`, the site key's). Every bad
 * field is added to `errors` with its column, in column order; the attributes returned are
 * meaningful only when none was added. `optional` holds the cells of OPTIONAL_COLUMNS;
 * `identifiers` says how the source writes identifiers.
 */
export function readEncounterCells(
  cells: EncounterCells,
  errors: FieldError[],
  pseudonymize: Pseudonymize,
  optional: OptionalCells = {},
  identifiers: IdentifierForm = 'numeric',
): EncounterInput {
  const read = new CellReader(cells, errors, pseudonymize, identifiers);
  // Read first: the diagnoses are checked by the rule of their system.
  const diagnosisCodeSystem = read.codeSystem(optional.diag_code_system);
  const encounter: EncounterInput = {
    encounter_id: read.identifier(AT.encounter_id, 'encounter'),
    patient_nbr: read.identifier(AT.patient_nbr, 'patient'),
    race: read.optional(AT.race),
    gender: read.oneOf(AT.gender),
    age: read.oneOf(AT.age),
    weight: read.optional(AT.weight),
    admission_type_id: read.count(AT.admission_type_id),
    discharge_disposition_id: read.count(AT.discharge_disposition_id),
    admission_source_id: read.count(AT.admission_source_id),
    time_in_hospital: read.count(AT.time_in_hospital),
    admittedAt: read.time('admitted_at', optional.admitted_at),
    dischargedAt: read.time('discharged_at', optional.discharged_at),
    payer_code: read.optional(AT.payer_code),
    medical_specialty: read.optional(AT.medical_specialty),
    num_lab_procedures: read.count(AT.num_lab_procedures),
    num_procedures: read.count(AT.num_procedures),
    num_medications: read.count(AT.num_medications),
    number_outpatient: read.count(AT.number_outpatient),
    number_emergency: read.count(AT.number_emergency),
    number_inpatient: read.count(AT.number_inpatient),
    diag_1: read.diagnosis(AT.diag_1, diagnosisCodeSystem),
    diag_2: read.diagnosis(AT.diag_2, diagnosisCodeSystem),
    diag_3: read.diagnosis(AT.diag_3, diagnosisCodeSystem),
    diagnosisCodeSystem: diagnosisCodeSystem ?? null,
    number_diagnoses: read.count(AT.number_diagnoses),
    max_glu_serum: read.optional(AT.max_glu_serum),
    A1Cresult: read.optional(AT.A1Cresult),
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
    change: read.oneOf(AT.change),
    diabetesMed: read.oneOf(AT.diabetesMed),
  };
  if (
    encounter.admittedAt !== null &&
    encounter.dischargedAt !== null &&
    encounter.dischargedAt < encounter.admittedAt
  )
    errors.push({
      field: 'discharged_at',
      message: DISCHARGE_BEFORE_ADMISSION.replace('admittedAt', 'admitted_at'),
    });
  return encounter;
}
