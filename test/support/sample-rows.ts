import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { ReadmissionClass } from '@readmit/contracts';
import { parseEncounterRow, type EncounterInput } from '@readmit/ml';
import { sharedDataFile } from './endpoints';
import { testPseudonymize } from './pseudonyms';

/** The real UCI sample's rows with their outcomes, pseudonymised with the test's site key. */
export function labelledSample(): Array<{ encounter: EncounterInput; outcome: ReadmissionClass }> {
  return (
    parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
    }) as Array<Record<string, string>>
  ).flatMap((row) => {
    const result = parseEncounterRow(row, testPseudonymize);
    return result.ok && result.outcome
      ? [{ encounter: result.encounter, outcome: result.outcome }]
      : [];
  });
}
