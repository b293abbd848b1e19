import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PseudonymKey } from '@readmit/platform/privacy';
import { PROJECT_ROOT } from '../../../../test/support/endpoints';
import {
  encounterPseudonym,
  patientPseudonym,
  TEST_PSEUDONYM_KEY,
} from '../../../../test/support/pseudonyms';

/** `readmit pseudonyms …` with the test's site key (or the environment given). */
function pseudonyms(args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'readmit.js'), 'pseudonyms', ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...env },
    },
  );
}

describe('readmit pseudonyms', () => {
  it('prints a new random site key that services accept', () => {
    const first = pseudonyms(['key']);
    const second = pseudonyms(['key']);
    expect(first.status).toBe(0);
    const key = first.stdout.trim();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(() => PseudonymKey.fromBase64(key)).not.toThrow();
    expect(second.stdout.trim()).not.toBe(key);
  });

  it('recomputes the pseudonym a known id travels under, as ingest writes it', () => {
    const result = pseudonyms(['of', '--encounter', '0149190', '--patient', '55629189']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      encounterPseudonym(149190),
      patientPseudonym(55629189),
    ]);
    const another = pseudonyms(['of', '--encounter', '149190'], {
      READMIT_PSEUDONYM_KEY: PseudonymKey.generate(),
    });
    expect(another.stdout.trim()).not.toBe(encounterPseudonym(149190));
  });

  it('refuses a bad id or a missing key without repeating either', () => {
    const bad = pseudonyms(['of', '--patient', '55629189x']);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n').pop()).toBe(
      'readmit: --patient takes a positive whole number of at most 15 digits',
    );
    expect(bad.stderr).not.toContain('55629189x');
    const none = pseudonyms(['of']);
    expect(none.stderr.trim().split('\n').pop()).toBe(
      'readmit: say which id: --encounter <id> and/or --patient <id>',
    );
    const keyless = pseudonyms(['of', '--encounter', '1'], { READMIT_PSEUDONYM_KEY: '' });
    expect(keyless.status).toBe(1);
    expect(keyless.stderr).toContain('READMIT_PSEUDONYM_KEY is required but not set');
  });
});
