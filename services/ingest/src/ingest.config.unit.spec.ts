import { loadConfig } from '@readmit/platform/config';
import { PseudonymKey } from '@readmit/platform/privacy';
import { ingestEnvSchema } from './ingest.config';

/** Well-formed required entries (not the keys of any test). */
const KEYS = `ops:ingest:0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`;
const load = (env: Record<string, string>) =>
  loadConfig('ingest', ingestEnvSchema, {
    READMIT_API_KEYS: KEYS,
    READMIT_PSEUDONYM_KEY: PseudonymKey.generate(),
    ...env,
  });

describe('ingest configuration: the readmission labeller', () => {
  it('is on by default, with a horizon of 365 days and 72 hours of allowed lateness', () => {
    expect(load({})).toMatchObject({
      READMIT_LABELLER: true,
      READMIT_LABEL_HORIZON_DAYS: 365,
      READMIT_LABEL_ALLOWED_LATENESS_HOURS: 72,
    });
    expect(
      load({
        READMIT_LABELLER: 'false',
        READMIT_LABEL_HORIZON_DAYS: '90',
        READMIT_LABEL_ALLOWED_LATENESS_HOURS: '0',
      }),
    ).toMatchObject({
      READMIT_LABELLER: false,
      READMIT_LABEL_HORIZON_DAYS: 90,
      READMIT_LABEL_ALLOWED_LATENESS_HOURS: 0,
    });
  });

  it('refuses a horizon of 30 days or less and a negative lateness, naming each variable', () => {
    expect(() =>
      load({ READMIT_LABEL_HORIZON_DAYS: '30', READMIT_LABEL_ALLOWED_LATENESS_HOURS: '-1' }),
    ).toThrow(
      /READMIT_LABEL_HORIZON_DAYS: must be over 30[\s\S]*READMIT_LABEL_ALLOWED_LATENESS_HOURS/,
    );
    expect(() => load({ READMIT_LABELLER: 'maybe' })).toThrow(
      /READMIT_LABELLER: must be true or false/,
    );
  });
});
