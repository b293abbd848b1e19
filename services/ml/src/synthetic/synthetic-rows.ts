import type { Pseudonymize } from '@readmit/contracts';
import { parseEncounterValues, type ParsedRow } from '../features/encounter-row';
import type { DriftSpec } from './drift-spec';
import type { EncounterProfile } from './encounter-profile';
import { SyntheticEncounters } from './synthetic-encounters';

/**
 * `count` synthetic encounters as parsed rows, numbered from 1, for the same loader as CSV files.
 * Their made-up ids are outside data like any other: pseudonymised as they are read.
 */
export async function* syntheticRows(
  profile: EncounterProfile,
  count: number,
  seed: number,
  pseudonymize: Pseudonymize,
  drift?: DriftSpec,
): AsyncGenerator<{ line: number; result: ParsedRow }> {
  const generator = new SyntheticEncounters(profile, seed, drift);
  for (let line = 1; line <= count; line++)
    yield { line, result: parseEncounterValues(generator.nextValues(), pseudonymize) };
}
