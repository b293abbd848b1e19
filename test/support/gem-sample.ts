import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The CMS GEM sample of services/ml/src/features/testdata/gem-sample.tsv (its header names the
// source), for tests.

/** A GEM ICD-9 code with its dot back: `4280` → `428.0`, `V5413` → `V54.13`, `E8809` → `E880.9`. */
export function dottedIcd9(code: string): string {
  const head = code.startsWith('E') ? 4 : 3;
  return code.length > head ? `${code.slice(0, head)}.${code.slice(head)}` : code;
}

export interface GemPair {
  readonly icd9: string;
  readonly icd10: string;
  readonly flags: string;
}

/** The file's text, header lines included. */
export const GEM_SAMPLE_TEXT = readFileSync(
  join(__dirname, '..', '..', 'services', 'ml', 'src', 'features', 'testdata', 'gem-sample.tsv'),
  'utf8',
);

/** Every pair of the sample, in file order. */
export const GEM_SAMPLE: readonly GemPair[] = GEM_SAMPLE_TEXT.split('\n')
  .filter((line) => line !== '' && !line.startsWith('#') && line !== 'icd9\ticd10\tflags')
  .map((line) => {
    const [icd9, icd10, flags, ...rest] = line.split('\t');
    if (icd9 === undefined || icd10 === undefined || flags === undefined || rest.length > 0) {
      throw new Error(`gem-sample.tsv: not three tab-separated fields: ${line}`);
    }
    return { icd9, icd10, flags };
  });
