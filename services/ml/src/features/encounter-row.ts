import type { Pseudonymize, ReadmissionClass } from '@readmit/contracts';
import {
  ENCOUNTER_COLUMNS,
  isMissingCell,
  OPTIONAL_COLUMNS,
  type IdentifierForm,
  quotedValue,
  readEncounterCells,
} from './encounter-cells';
import type { EncounterInput } from './encounter-features';
import type { FieldError } from './encounter-rules';
import { MAPPED_ID_COLUMNS, type IdsMapping } from './ids-mapping';

/** The columns of diabetic_data.csv, in the file's order: the encounter's, then the label. */
export const CSV_COLUMNS = [...ENCOUNTER_COLUMNS, 'readmitted'] as const;

/**
 * The columns a row may have: diabetic_data.csv's, then the optional ones (a file without them
 * is the UCI file): the code system of the row's diagnoses and the stay's dates.
 */
export const ROW_COLUMNS = [...CSV_COLUMNS, ...OPTIONAL_COLUMNS] as const;

export type CsvColumn = (typeof ROW_COLUMNS)[number];

/**
 * A row as its values in ROW_COLUMNS order (the fast form for bulk loads); absent cells are
 * undefined, and a row of CSV_COLUMNS only is one without the optional columns.
 */
export type RawRow = readonly (string | undefined)[];

/** Each column's position in a RawRow. */
export const AT = Object.fromEntries(ROW_COLUMNS.map((column, index) => [column, index])) as Record<
  CsvColumn,
  number
>;

/** A row given as a record of column → cell (JSON lines, tests) in RawRow form. */
export function rawRowOf(record: Readonly<Record<string, string | undefined>>): RawRow {
  return ROW_COLUMNS.map((column) => record[column]);
}

/** A RawRow as a record of column → cell. */
export function recordOf(row: RawRow): Record<CsvColumn, string | undefined> {
  return Object.fromEntries(ROW_COLUMNS.map((column, index) => [column, row[index]])) as Record<
    CsvColumn,
    string | undefined
  >;
}

export const MEDICATION_COLUMNS = CSV_COLUMNS.slice(
  CSV_COLUMNS.indexOf('metformin'),
  CSV_COLUMNS.indexOf('change'),
);

/** The encounter's attributes: the event without its envelope and ingest metadata. */
export type EncounterAttributes = EncounterInput;

export type ParsedRow =
  | {
      readonly ok: true;
      readonly encounter: EncounterAttributes;
      readonly outcome: ReadmissionClass | null;
    }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

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

/** Column order, which errors keep when the id mapping adds some. */
const byPosition = (a: FieldError, b: FieldError) =>
  AT[a.field as CsvColumn] - AT[b.field as CsvColumn];

/**
 * Parses one row of diabetic_data.csv into encounter attributes (its identifiers pseudonymised)
 * and, when the row has a label, its readmission class. Every bad field is reported, each with
 * its column. Identifier values never appear in messages. `identifiers`: how the source writes
 * them (FHIR's are text, the UCI table's numbers).
 */
export function parseEncounterValues(
  row: RawRow,
  pseudonymize: Pseudonymize,
  mapping?: IdsMapping,
  identifiers: IdentifierForm = 'numeric',
): ParsedRow {
  // The encounter rules (shared with the gateway and every consumer of EncounterRecorded).
  const errors: FieldError[] = [];
  const encounter = readEncounterCells(
    row,
    errors,
    pseudonymize,
    {
      diag_code_system: row[AT.diag_code_system],
      admitted_at: row[AT.admitted_at],
      discharged_at: row[AT.discharged_at],
    },
    identifiers,
  );
  if (mapping) {
    const before = errors.length;
    for (const column of MAPPED_ID_COLUMNS) {
      // 0 stands for an id the rules already refused.
      const id = encounter[column];
      if (id > 0 && !mapping[column].has(id))
        errors.push({ field: column, message: `${id} is not an id listed in IDs_mapping.csv` });
    }
    if (errors.length > before) errors.sort(byPosition);
  }

  let outcome: ReadmissionClass | null = null;
  const label = row[AT.readmitted];
  if (!isMissingCell(label)) {
    outcome = READMITTED[(label as string).trim()] ?? null;
    if (!outcome)
      errors.push({
        field: 'readmitted',
        message: `${quotedValue(label as string)} is not one of NO, >30, <30`,
      });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, encounter, outcome };
}

/** parseEncounterValues for a row given as a record of column → cell. */
export function parseEncounterRow(
  record: Readonly<Record<string, string | undefined>>,
  pseudonymize: Pseudonymize,
  mapping?: IdsMapping,
): ParsedRow {
  return parseEncounterValues(rawRowOf(record), pseudonymize, mapping);
}
