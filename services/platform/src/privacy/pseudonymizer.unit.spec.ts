import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { isPseudonym, PSEUDONYM_MAC_BYTES } from '@readmit/contracts';
import { ConfigError, loadConfig } from '../config';
import { PseudonymKey, PseudonymKeyError, pseudonymKeyField } from './pseudonym-key';
import { pseudonymizerFromEnv } from './pseudonym-key-from-env';
import { Pseudonymizer } from './pseudonymizer';

const keyText = PseudonymKey.generate();
const pseudonyms = new Pseudonymizer(PseudonymKey.fromBase64(keyText));

describe('Pseudonymizer', () => {
  it('is stable: the same id under the same key always gives the same pseudonym', () => {
    const again = new Pseudonymizer(PseudonymKey.fromBase64(keyText));
    expect(pseudonyms.pseudonymOf('encounter', '149190')).toBe(
      again.pseudonymOf('encounter', '149190'),
    );
    expect(pseudonyms.pseudonymOf('patient', '55629189')).toBe(
      pseudonyms.pseudonymOf('patient', '55629189'),
    );
  });

  it('is keyed: another key gives unrelated pseudonyms', () => {
    const other = new Pseudonymizer(PseudonymKey.fromBase64(PseudonymKey.generate()));
    expect(other.pseudonymOf('encounter', '149190')).not.toBe(
      pseudonyms.pseudonymOf('encounter', '149190'),
    );
  });

  it('separates domains: an encounter id and a patient number with the same digits differ beyond their prefix', () => {
    const encounter = pseudonyms.pseudonymOf('encounter', '149190');
    const patient = pseudonyms.pseudonymOf('patient', '149190');
    expect(encounter.slice(4)).not.toBe(patient.slice(4));
    expect([encounter.slice(0, 4), patient.slice(0, 4)]).toEqual(['enc_', 'pat_']);
  });

  it('is not a plain HMAC of the id under the site key (each kind has a derived key)', () => {
    const plain = createHmac('sha256', Buffer.from(keyText, 'base64'))
      .update('149190')
      .digest()
      .subarray(0, PSEUDONYM_MAC_BYTES)
      .toString('base64url');
    expect(pseudonyms.pseudonymOf('encounter', '149190')).not.toContain(plain);
  });

  it('writes the fixed format: prefix and 22 base64url characters (128 bits), checked by isPseudonym', () => {
    for (let id = 1; id <= 200; id += 1) {
      const encounter = pseudonyms.pseudonymOf('encounter', String(id));
      expect(encounter).toMatch(/^enc_[A-Za-z0-9_-]{22}$/);
      expect(isPseudonym('encounter', encounter)).toBe(true);
      expect(isPseudonym('patient', encounter)).toBe(false);
      expect(Buffer.from(encounter.slice(4), 'base64url')).toHaveLength(16);
    }
    const distinct = new Set(
      Array.from({ length: 1_000 }, (_, id) => pseudonyms.pseudonymOf('patient', String(id))),
    );
    expect(distinct.size).toBe(1_000);
  });
});

describe('PseudonymKey', () => {
  it('generates 32 random bytes as base64, different each time', () => {
    const first = PseudonymKey.generate();
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(PseudonymKey.generate()).not.toBe(first);
    expect(() => PseudonymKey.fromBase64(first)).not.toThrow();
  });

  it.each([
    ['not base64', 'this is not a key!', /not base64/],
    ['too short', Buffer.alloc(16, 7).toString('base64'), /holds 16/],
    ['all zeros', Buffer.alloc(32).toString('base64'), /too regular/],
    ['a repeated word', Buffer.from('secret'.repeat(8)).toString('base64'), /too regular/],
  ])('refuses a key that is %s, without repeating it', (_case, text, reason) => {
    let error: unknown;
    try {
      PseudonymKey.fromBase64(text);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(PseudonymKeyError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain(text);
  });

  it('never prints its bytes: not in JSON, not in util.inspect, not in a string', () => {
    const key = PseudonymKey.fromBase64(keyText);
    const printed = [JSON.stringify({ key }), inspect({ key }), String(key)].join(' ');
    expect(printed).toContain('[pseudonym key]');
    expect(printed).not.toContain(keyText);
    expect(printed).not.toContain(key.bytes().toString('hex'));
  });

  it('is checked with the rest of a service configuration, naming the variable only', () => {
    const schema = z.object({ READMIT_PSEUDONYM_KEY: pseudonymKeyField });
    const short = Buffer.alloc(8, 1).toString('base64');
    expect(() => loadConfig('ingest', schema, { READMIT_PSEUDONYM_KEY: short })).toThrow(
      /^ingest: invalid configuration: READMIT_PSEUDONYM_KEY: must be base64 of at least 32 random bytes/,
    );
    expect(() => loadConfig('ingest', schema, {})).toThrow(
      'READMIT_PSEUDONYM_KEY: is required but not set',
    );
    const loaded = loadConfig('ingest', schema, { READMIT_PSEUDONYM_KEY: keyText });
    expect(loaded.READMIT_PSEUDONYM_KEY.bytes()).toEqual(Buffer.from(keyText, 'base64'));
  });
});

describe('pseudonymizerFromEnv', () => {
  it('reads the key from READMIT_PSEUDONYM_KEY', () => {
    expect(
      pseudonymizerFromEnv('readmit', { READMIT_PSEUDONYM_KEY: keyText }).pseudonymOf(
        'encounter',
        '7',
      ),
    ).toBe(pseudonyms.pseudonymOf('encounter', '7'));
  });

  it('says how to make a key when none is set, and why a bad one is refused, without printing it', () => {
    expect(() => pseudonymizerFromEnv('readmit', {})).toThrow(ConfigError);
    expect(() => pseudonymizerFromEnv('readmit', {})).toThrow(/readmit pseudonyms key/);
    const bad = Buffer.alloc(40, 3).toString('base64');
    expect(() => pseudonymizerFromEnv('readmit', { READMIT_PSEUDONYM_KEY: bad })).toThrow(
      /READMIT_PSEUDONYM_KEY: must be base64/,
    );
    try {
      pseudonymizerFromEnv('readmit', { READMIT_PSEUDONYM_KEY: bad });
    } catch (error) {
      expect((error as Error).message).not.toContain(bad);
    }
  });
});
