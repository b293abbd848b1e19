import { Command } from 'commander';
import type { IdentifierKind } from '@readmit/contracts';
import { canonicalClearId } from '@readmit/ml';
import { PseudonymKey, pseudonymizerFromEnv } from '@readmit/platform/privacy';
import { InfraError } from '../infra/infra-error';

/**
 * A clear identifier as given on the command line, in its canonical text. Checked here rather
 * than by commander, whose message would repeat the value.
 */
function clearId(option: string, value: string): string {
  const canonical = canonicalClearId(value);
  if (canonical === null)
    throw new InfraError(`${option} takes a positive whole number of at most 15 digits`);
  return canonical;
}

interface OfOptions {
  readonly encounter?: string;
  readonly patient?: string;
}

/**
 * `readmit pseudonyms`: the site key's side of pseudonymisation, for whoever holds the key.
 * `key` makes a new key; `of` recomputes the pseudonym of a known id, which is how a prediction
 * on the log is re-identified (docs/security.md: nobody without the key can).
 */
export function pseudonymsCommand(): Command {
  const pseudonyms = new Command('pseudonyms').description(
    'keyed pseudonyms of patient identifiers (READMIT_PSEUDONYM_KEY, docs/security.md)',
  );
  pseudonyms
    .command('key')
    .description(
      'print a new random site key (base64 of 32 bytes) for READMIT_PSEUDONYM_KEY; keep it secret',
    )
    .action(() => {
      console.log(PseudonymKey.generate());
    });
  pseudonyms
    .command('of')
    .description(
      'print the pseudonym an encounter id or patient number travels under (key from READMIT_PSEUDONYM_KEY)',
    )
    .option('--encounter <id>', 'an encounter_id')
    .option('--patient <id>', 'a patient_nbr')
    .action((options: OfOptions) => {
      const asked: Array<[IdentifierKind, string]> = [];
      if (options.encounter !== undefined)
        asked.push(['encounter', clearId('--encounter', options.encounter)]);
      if (options.patient !== undefined)
        asked.push(['patient', clearId('--patient', options.patient)]);
      if (asked.length === 0)
        throw new InfraError('say which id: --encounter <id> and/or --patient <id>');
      const pseudonymizer = pseudonymizerFromEnv('readmit pseudonyms of', process.env);
      for (const [kind, id] of asked) console.log(pseudonymizer.pseudonymOf(kind, id));
    });
  return pseudonyms;
}
