import type { IdentifierKind, Pseudonymize } from '@readmit/contracts';
import { PseudonymKey, Pseudonymizer } from '@readmit/platform/privacy';

/**
 * The site key of a test run: a new one per test file (each has its own module registry), which
 * services started by the test get as READMIT_PSEUDONYM_KEY (ServiceStarter, child processes), so
 * a test can compute the pseudonyms its services write.
 */
export const TEST_PSEUDONYM_KEY = PseudonymKey.generate();

export const testPseudonyms = new Pseudonymizer(PseudonymKey.fromBase64(TEST_PSEUDONYM_KEY));

/** Each pseudonym computed here, with the id it stands for: tests read numbers back. */
const clearIds = new Map<string, number>();

const pseudonymOf = (kind: IdentifierKind) => (id: number | string) => {
  const pseudonym = testPseudonyms.pseudonymOf(kind, String(id));
  clearIds.set(pseudonym, Number(id));
  return pseudonym;
};

/** What readers of outside data take: the test key's pseudonymize (remembering each id). */
export const testPseudonymize: Pseudonymize = (kind, clearId) => pseudonymOf(kind)(clearId);

/** The pseudonym of encounter `id` under the test key. */
export const encounterPseudonym = pseudonymOf('encounter');

/** The pseudonym of patient `id` under the test key. */
export const patientPseudonym = pseudonymOf('patient');

/**
 * The id a pseudonym made by this test stands for (what a holder of the key learns by
 * recomputing): lets a test name encounters by number while events carry pseudonyms.
 */
export function idOfPseudonym(pseudonym: string): number {
  const id = clearIds.get(pseudonym);
  if (id === undefined) throw new Error('not a pseudonym this test made');
  return id;
}
