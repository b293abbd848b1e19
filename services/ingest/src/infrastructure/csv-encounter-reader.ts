import type { Readable } from 'node:stream';
import type { Pseudonymize } from '@readmit/contracts';
import Papa from 'papaparse';
import {
  CSV_COLUMNS,
  missingColumns,
  parseEncounterValues,
  ROW_COLUMNS,
  type ParsedRow,
  type IdsMapping,
  type RawRow,
} from '@readmit/ml';

/** One data row of the file: its 1-based line number and what parsing made of it. */
export interface CsvEncounterRow {
  readonly line: number;
  readonly result: ParsedRow;
}

/** How much of the input to read into rows. */
export interface ReadRowsOptions {
  /**
   * Rows that start before this line (1-based, as numbered in the input) are passed over
   * without being parsed, e.g. to resume an upload where an earlier attempt stopped.
   */
  readonly fromLine?: number;
  /** Told the line of each row passed over. */
  readonly onSkipped?: (line: number) => void;
}

export class CsvHeaderError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`not a diabetic_data.csv file: the header lacks ${missing.join(', ')}`);
    this.name = 'CsvHeaderError';
  }
}

/**
 * Where each of ROW_COLUMNS sits in the file's rows (-1: an optional column it does not have);
 * null when the file is diabetic_data.csv's columns in order, and nothing else.
 */
function positionsOf(header: readonly string[]): number[] | null {
  const positions = ROW_COLUMNS.map((column) => header.indexOf(column));
  const canonical =
    header.length === CSV_COLUMNS.length && CSV_COLUMNS.every((_, i) => positions[i] === i);
  return canonical ? null : positions;
}

const newlinesIn = (cells: readonly string[]) => {
  let count = 0;
  for (const cell of cells) {
    for (let at = cell.indexOf('\n'); at >= 0; at = cell.indexOf('\n', at + 1)) count += 1;
  }
  return count;
};

/**
 * Streams diabetic_data.csv (the real UCI file unchanged, or any file with its columns, in any
 * order) row by row in constant memory, with papaparse (several times faster than csv-parse on
 * this file, bench/README.md). A malformed line (wrong number of cells) is reported like a row
 * with bad fields, and reading goes on. Line numbers count blank lines and quoted line breaks.
 * The header is checked even when rows before `fromLine` are passed over. Identifiers come out
 * as their pseudonyms (`pseudonymize`): the clear ids stay in the text.
 */
export async function* readEncounterCsv(
  input: Readable,
  pseudonymize: Pseudonymize,
  mapping?: IdsMapping,
  options: ReadRowsOptions = {},
): AsyncGenerator<CsvEncounterRow> {
  const fromLine = options.fromLine ?? 1;
  const parser = input.pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { header: false, delimiter: ',' }));
  let header: string[] | null = null;
  let positions: number[] | null = null;
  let nextLine = 1;
  for await (const cells of parser as AsyncIterable<string[]>) {
    const line = nextLine;
    nextLine += 1 + newlinesIn(cells);
    if (cells.length === 1 && cells[0].trim() === '') continue; // a blank line
    if (!header) {
      header = cells.map((cell, index) =>
        (index === 0 ? cell.replace(/^\uFEFF/, '') : cell).trim(),
      );
      const missing = missingColumns(header);
      if (missing.length > 0) throw new CsvHeaderError(missing);
      positions = positionsOf(header);
      continue;
    }
    if (line < fromLine) {
      options.onSkipped?.(line);
      continue;
    }
    if (cells.length !== header.length) {
      yield {
        line,
        result: {
          ok: false,
          errors: [{ field: '(row)', message: 'the row does not have one cell per column' }],
        },
      };
      continue;
    }
    const row: RawRow = positions
      ? positions.map((at) => (at >= 0 ? cells[at] : undefined))
      : cells;
    yield { line, result: parseEncounterValues(row, pseudonymize, mapping) };
  }
}
