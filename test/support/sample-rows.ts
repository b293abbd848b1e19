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

/**
 * The labelled sample as three hospitals of unlike case mixes, by admission source: emergency
 * room (7), physician referral (1), and every other source.
 */
export function sampleAsThreeSites<T extends { encounter: EncounterInput }>(
  rows: readonly T[],
): [T[], T[], T[]] {
  const siteOf = (source: number) => (source === 7 ? 0 : source === 1 ? 1 : 2);
  const sites: [T[], T[], T[]] = [[], [], []];
  for (const row of rows) sites[siteOf(row.encounter.admission_source_id)].push(row);
  return sites;
}
