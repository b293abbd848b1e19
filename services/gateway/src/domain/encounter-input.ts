import type { EncounterToScore, Pseudonymize } from '@readmit/contracts';
import { z } from 'zod';
import {
  ENCOUNTER_COLUMNS,
  OPTIONAL_COLUMNS,
  readEncounterCells,
  type EncounterColumn,
  type FieldError,
} from '@readmit/ml';

export type { FieldError };

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * The columns a prediction reads: diabetic_data.csv's, without the label (`readmitted`), which is
 * not a model input and not known yet when a prediction is asked for. It is ignored, so neither
 * its absence nor its value can fail a prediction (ingestion, which keeps labels, still checks it).
 */
export const INPUT_COLUMNS: readonly EncounterColumn[] = ENCOUNTER_COLUMNS;

const ENCOUNTER_ID_AT = INPUT_COLUMNS.indexOf('encounter_id');

/** A real encounter (the UCI sample's second row, label dropped): the API docs' example. */
export const EXAMPLE_ENCOUNTER_INPUT: Readonly<Record<string, string | number | null>> = {
  encounter_id: 149190, patient_nbr: 55629189, race: 'Caucasian', gender: 'Female', age: '[10-20)',
  weight: null, admission_type_id: 1, discharge_disposition_id: 1, admission_source_id: 7,
  time_in_hospital: 3, payer_code: null, medical_specialty: null, num_lab_procedures: 59,
  num_procedures: 0, num_medications: 18, number_outpatient: 0, number_emergency: 0,
  number_inpatient: 0, diag_1: '276', diag_2: '250.01', diag_3: '255', number_diagnoses: 9,
  max_glu_serum: 'None', A1Cresult: 'None', metformin: 'No', repaglinide: 'No', nateglinide: 'No',
  chlorpropamide: 'No', glimepiride: 'No', acetohexamide: 'No', glipizide: 'No', glyburide: 'No',
  tolbutamide: 'No', pioglitazone: 'No', rosiglitazone: 'No', acarbose: 'No', miglitol: 'No',
  troglitazone: 'No', tolazamide: 'No', examide: 'No', citoglipton: 'No', insulin: 'Up',
  'glyburide-metformin': 'No', 'glipizide-metformin': 'No', 'glimepiride-pioglitazone': 'No',
  'metformin-rosiglitazone': 'No', 'metformin-pioglitazone': 'No', change: 'Ch', diabetesMed: 'Yes',
}; // prettier-ignore

/**
 * The columns a prediction cannot do without, found by the rules themselves: those whose absence
 * from the example is an error. The schema and the docs list them, and they can never drift from
 * ingestion's.
 */
const REQUIRED_COLUMNS: ReadonlySet<string> = new Set(
  INPUT_COLUMNS.filter((column) => {
    // Only the errors are read: no key is needed to find them.
    const noPseudonyms: Pseudonymize = () => '';
    const cells = INPUT_COLUMNS.map((other) =>
      other === column ? undefined : cellText(EXAMPLE_ENCOUNTER_INPUT[other]),
    );
    const errors: FieldError[] = [];
    readEncounterCells(cells, errors, noPseudonyms, {});
    return errors.some((error) => error.field === column);
  }),
);

/** The columns a prediction cannot do without (REQUIRED_COLUMNS), in column order. */
export function requiredInputColumns(): string[] {
  return INPUT_COLUMNS.filter((column) => REQUIRED_COLUMNS.has(column));
}

/** A cell as JSON carries it (as in ingest's JSON lines): a string, a number, null for missing. */
const cell = z.union([z.string(), z.number(), z.null()], {
  error: 'must be a string, a number or null',
});

/**
 * One encounter as a request body: what `POST /v1/predictions` checks and documents (the
 * `Encounter` schema of the gateway's OpenAPI document). Types are checked here; values by the
 * encounter rules (parseEncounterInput), which also name an absent required column. Unknown keys
 * are ignored, as in ingestion.
 */
export const encounterInputSchema = z
  .object(
    Object.fromEntries(
      [...INPUT_COLUMNS, ...OPTIONAL_COLUMNS].map((column) => [
        column,
        REQUIRED_COLUMNS.has(column) ? cell : cell.optional(),
      ]),
    ),
    { error: 'must be a JSON object keyed by the diabetic_data.csv column names' },
  )
  .meta({
    id: 'Encounter',
    description:
      'One encounter keyed by the diabetic_data.csv column names, checked by the same rules as ingestion. Values are strings or numbers; null (or an absent key) is a missing value. `readmitted` is not needed and is ignored; unknown keys are ignored.',
    example: EXAMPLE_ENCOUNTER_INPUT,
  });

/** A batch body: `{ "encounters": [...] }` with 1 to `maxBatch` encounters. */
export function batchInputSchema(maxBatch: number) {
  return z.object(
    {
      encounters: z
        .array(encounterInputSchema, { error: 'must be an array of encounters' })
        .min(1, 'must hold at least one encounter')
        .max(maxBatch, `must hold at most ${maxBatch} encounters`),
    },
    { error: 'must be a JSON object with an encounters array' },
  );
}

function cellText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** An encounter to score, as the caller sent it. */
export interface CallerEncounter {
  /** The caller's own encounter id: the answer names its prediction by it. Never sent on. */
  readonly callerEncounterId: number;
  /** What is scored: the encounter with its identifiers pseudonymised, as ingestion writes them. */
  readonly encounter: EncounterToScore;
}

/**
 * Reads one encounter given as JSON, keyed by the diabetic_data.csv column names, with the
 * encounter rules ingestion reads its rows with (`readEncounterCells`), its identifiers turned
 * into their pseudonyms (`pseudonymize`, the site key's) before anything leaves the gateway. `at`
 * names the encounter in field errors: '' for a request body that is the encounter,
 * `encounters[3]` for an item of a batch.
 */
export function parseEncounterInput(
  input: unknown,
  pseudonymize: Pseudonymize,
  at = '',
): Parsed<CallerEncounter> {
  const typed = encounterInputSchema.safeParse(input);
  return readEncounter(input, typed.success ? [] : typed.error.issues, pseudonymize, at);
}

/**
 * An encounter with zod's issues about it (`issues`' paths relative to it): a type problem
 * refuses it at once; an absent required column is left to the rules, which name it with every
 * other problem of its values (so the schema can say which columns are required, and the answer
 * stays what the rules say).
 */
function readEncounter(
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  pseudonymize: Pseudonymize,
  at: string,
): Parsed<CallerEncounter> {
  const blocking = issues.filter((issue) => !isAbsentColumn(issue, input));
  if (blocking.length > 0) return { ok: false, errors: issuesAsFieldErrors(blocking, at) };

  // The schema held every known column to a string, a number, null or absent.
  const record = input as Readonly<Record<string, unknown>>;
  const text = (column: string) => cellText(record[column]);
  const cells = INPUT_COLUMNS.map(text);
  const errors: FieldError[] = [];
  const encounter = readEncounterCells(
    cells,
    errors,
    pseudonymize,
    Object.fromEntries(OPTIONAL_COLUMNS.map((column) => [column, text(column)])),
  );
  if (errors.length === 0)
    return {
      ok: true,
      // The rules held the cell to a whole number of at most 15 digits.
      value: { callerEncounterId: Number(cells[ENCOUNTER_ID_AT]), encounter },
    };
  return {
    ok: false,
    errors: errors.map(({ field, message }) => ({
      field: fieldName(at, field),
      // The rules' message for an empty cell ("'' is not one of …") reads oddly for an absent key.
      message:
        INPUT_COLUMNS.includes(field as EncounterColumn) &&
        cells[INPUT_COLUMNS.indexOf(field as EncounterColumn)] === undefined
          ? 'is required'
          : message,
    })),
  };
}

/** zod's issue about a required column the object does not have. */
function isAbsentColumn(issue: z.core.$ZodIssue, input: unknown): boolean {
  const [column, ...deeper] = issue.path;
  return (
    deeper.length === 0 &&
    typeof column === 'string' &&
    REQUIRED_COLUMNS.has(column) &&
    typeof input === 'object' &&
    input !== null &&
    (input as Record<string, unknown>)[column] === undefined
  );
}

export interface BatchInput {
  readonly encounters: readonly CallerEncounter[];
}

/**
 * A batch body (batchInputSchema): its shape first (an object, 1 to `maxBatch` encounters), then
 * each encounter as parseEncounterInput reads one, its fields named `encounters[i].column`.
 */
export function parseBatchInput(
  input: unknown,
  maxBatch: number,
  pseudonymize: Pseudonymize,
): Parsed<BatchInput> {
  const typed = batchInputSchema(maxBatch).safeParse(input);
  const issues = typed.success ? [] : typed.error.issues;
  const shape = issues.filter((issue) => issue.path.length < 2);
  if (shape.length > 0) return { ok: false, errors: issuesAsFieldErrors(shape, '') };

  // The shape held: an object with an array of 1 to maxBatch items.
  const items = (input as { encounters: readonly unknown[] }).encounters;
  const encounters: CallerEncounter[] = [];
  const errors: FieldError[] = [];
  items.forEach((item, index) => {
    const own = issues
      .filter((issue) => issue.path[1] === index)
      .map((issue) => ({ ...issue, path: issue.path.slice(2) }));
    const parsed = readEncounter(item, own, pseudonymize, `encounters[${index}]`);
    if (parsed.ok) encounters.push(parsed.value);
    else errors.push(...parsed.errors);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { encounters } };
}

/** `(body)` for the whole body; otherwise the path, with array items as `[index]`. */
function fieldName(at: string, field?: string): string {
  if (!field) return at || '(body)';
  return at ? `${at}.${field}` : field;
}

/**
 * zod's issues as field errors: `(body)` for the whole body, items as `[index]` (see fieldName).
 * The platform's fieldErrorsOf names fields the same way; domain code does not import the platform.
 */
export function issuesAsFieldErrors(issues: readonly z.core.$ZodIssue[], at: string): FieldError[] {
  return issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`,
      )
      .join('');
    return { field: fieldName(at, path), message: issue.message };
  });
}
