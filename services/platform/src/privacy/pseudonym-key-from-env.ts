import { ConfigError, type Environment } from '../config';
import { PSEUDONYM_KEY_VARIABLE, PseudonymKey, PseudonymKeyError } from './pseudonym-key';
import { Pseudonymizer } from './pseudonymizer';

/**
 * The pseudonymizer of the key in READMIT_PSEUDONYM_KEY, for tools outside the services (the
 * CLI's `produce`, `demo` and `pseudonyms of`). A missing or unusable key is a ConfigError that
 * says how to make one and never repeats the value.
 */
export function pseudonymizerFromEnv(program: string, env: Environment): Pseudonymizer {
  const text = env[PSEUDONYM_KEY_VARIABLE];
  if (text === undefined || text.trim() === '')
    throw new ConfigError(program, [
      `${PSEUDONYM_KEY_VARIABLE} is required but not set (the site key that pseudonymises patient identifiers; \`readmit pseudonyms key\` makes one)`,
    ]);
  try {
    return new Pseudonymizer(PseudonymKey.fromBase64(text));
  } catch (error) {
    if (error instanceof PseudonymKeyError)
      throw new ConfigError(program, [`${PSEUDONYM_KEY_VARIABLE}: ${error.message}`]);
    throw error;
  }
}
