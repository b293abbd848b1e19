import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Pseudonymize } from '@readmit/contracts';
import { parseEncounterRow, type IdsMapping } from '@readmit/ml';
import type { CsvEncounterRow, ReadRowsOptions } from './csv-encounter-reader';

/**
 * Streams JSON lines, one encounter per line, keyed by the CSV column names; values may be
 * strings or numbers, and null stands for a missing value. Line numbers start at 1; lines
 * before `fromLine` are passed over without being parsed. Identifiers come out as their
 * pseudonyms (`pseudonymize`).
 */
export async function* readEncounterJsonLines(
  input: Readable,
  pseudonymize: Pseudonymize,
  mapping?: IdsMapping,
  options: ReadRowsOptions = {},
): AsyncGenerator<CsvEncounterRow> {
  const fromLine = options.fromLine ?? 1;
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    if (line < fromLine) {
      options.onSkipped?.(line);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      yield {
        line,
        result: { ok: false, errors: [{ field: '(row)', message: 'the line is not valid JSON' }] },
      };
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield {
        line,
        result: {
          ok: false,
          errors: [{ field: '(row)', message: 'the line is not a JSON object' }],
        },
      };
      continue;
    }
    const row: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      row[key] = value === null ? '?' : String(value);
    }
    yield { line, result: parseEncounterRow(row, pseudonymize, mapping) };
  }
}
