// Fits the synthetic generator's profile on a diabetic_data.csv file and writes it as JSON:
//   npx tsx services/ml/scripts/fit-synthetic-profile.ts [../shared/data/diabetic_data_sample.csv] [out.json]
// The committed profile was fitted on the 4,999-row UCI sample; fit on the full file for more detail.
/* eslint-disable @typescript-eslint/no-restricted-imports, no-restricted-globals --
   a command-line tool kept beside the generator, not library code: it reads files, writes the
   profile and takes its arguments from the command line. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { fitEncounterProfile } from '../src/synthetic/encounter-profile';

const input =
  process.argv[2] ??
  resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'diabetic_data_sample.csv');
const output =
  process.argv[3] ?? join(__dirname, '..', 'src', 'synthetic', 'uci-sample-profile.json');
const rows = parse(readFileSync(input, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<
  Record<string, string>
>;
const profile = fitEncounterProfile(rows, basename(input));
writeFileSync(output, `${JSON.stringify(profile)}\n`);
console.log(`fitted on ${profile.rows} rows of ${basename(input)} → ${output}`);
