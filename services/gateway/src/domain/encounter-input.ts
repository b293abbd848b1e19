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

/** A cell as JSON carries it (as in ingest's JSON lines): a string, a number, null for missing. */
const cell = z.union([z.string(), z.number(), z.null()], {
  error: 'must be a string, a number or null',
});

/** Types are checked here; values by the encounter rules. Unknown keys are ignored, as in ingestion. */
const encounterObject = z.object(
  Object.fromEntries(
    [...INPUT_COLUMNS, ...OPTIONAL_COLUMNS].map((column) => [column, cell.optional()]),
  ),
  { error: 'must be a JSON object keyed by the diabetic_data.csv column names' },
);

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
  const typed = encounterObject.safeParse(input);
  if (!typed.success) return { ok: false, errors: issuesAsFieldErrors(typed.error, at) };

  const text = (column: string) => {
    const value = typed.data[column];
    return value === null || value === undefined ? undefined : String(value);
  };
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

export interface BatchInput {
  readonly encounters: readonly CallerEncounter[];
}

/** A batch body: `{ "encounters": [...] }` with 1 to `maxBatch` encounters, each checked. */
export function parseBatchInput(
  input: unknown,
  maxBatch: number,
  pseudonymize: Pseudonymize,
): Parsed<BatchInput> {
  const shape = z.object(
    {
      encounters: z
        .array(z.unknown(), { error: 'must be an array of encounters' })
        .min(1, 'must hold at least one encounter')
        .max(maxBatch, `must hold at most ${maxBatch} encounters`),
    },
    { error: 'must be a JSON object with an encounters array' },
  );
  const typed = shape.safeParse(input);
  if (!typed.success) return { ok: false, errors: issuesAsFieldErrors(typed.error, '') };

  const encounters: CallerEncounter[] = [];
  const errors: FieldError[] = [];
  typed.data.encounters.forEach((item, index) => {
    const parsed = parseEncounterInput(item, pseudonymize, `encounters[${index}]`);
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

/** zod's issues as field errors: `(body)` for the whole body, items as `[index]` (see fieldName). */
export function issuesAsFieldErrors(error: z.ZodError, at: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) =>
        typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`,
      )
      .join('');
    return { field: fieldName(at, path), message: issue.message };
  });
}

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
 * from the example is an error. The docs list them, and they can never drift from ingestion's.
 */
export function requiredInputColumns(): string[] {
  // Only the errors are read: no key is needed to find them.
  const noPseudonyms: Pseudonymize = () => '';
  return INPUT_COLUMNS.filter((column) => {
    const { [column]: _absent, ...rest } = EXAMPLE_ENCOUNTER_INPUT;
    const parsed = parseEncounterInput(rest, noPseudonyms);
    return !parsed.ok && parsed.errors.some((error) => error.field === column);
  });
}
