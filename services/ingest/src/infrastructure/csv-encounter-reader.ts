import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { missingColumns, parseEncounterRow, type ParsedRow } from '../domain/encounter-row';
import type { IdsMapping } from '../domain/ids-mapping';

/** One data row of the file: its 1-based line number and what parsing made of it. */
export interface CsvEncounterRow {
  readonly line: number;
  readonly result: ParsedRow;
}

export class CsvHeaderError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`not a diabetic_data.csv file: the header lacks ${missing.join(', ')}`);
    this.name = 'CsvHeaderError';
  }
}

/**
 * Streams diabetic_data.csv (the real UCI file unchanged, or any file with its columns) row by
 * row in constant memory. A malformed line (wrong number of cells) is reported like a row with
 * bad fields, and reading goes on.
 */
export async function* readEncounterCsv(
  input: Readable,
  mapping?: IdsMapping,
): AsyncGenerator<CsvEncounterRow> {
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => {
        const missing = missingColumns(header);
        if (missing.length > 0) throw new CsvHeaderError(missing);
        return header.map((column) => column.trim());
      },
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }),
  );
  let invalidRows = 0;
  for await (const record of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number; invalid_field_length: number };
  }>) {
    const { record: row, info } = record;
    // csv-parse counts short or long rows cumulatively: a rise means this row is one.
    if (info.invalid_field_length > invalidRows) {
      invalidRows = info.invalid_field_length;
      yield {
        line: info.lines,
        result: {
          ok: false,
          errors: [{ field: '(row)', message: 'the row does not have one cell per column' }],
        },
      };
      continue;
    }
    yield { line: info.lines, result: parseEncounterRow(row, mapping) };
  }
}
