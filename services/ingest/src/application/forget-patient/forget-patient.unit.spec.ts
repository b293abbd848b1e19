import { EXAMPLE_EVENTS, type PatientForgotten } from '@readmit/contracts';
import { MemoryPatientKeyStore, PatientKeys } from '@readmit/platform/privacy/keys';
import { randomBytes } from 'node:crypto';
import {
  forgetPatient,
  NotAPatientPseudonymError,
  SealingOffError,
  type ForgetPatientDeps,
} from './forget-patient';

const PATIENT = EXAMPLE_EVENTS.PatientForgotten.patient_nbr as string;

function harness(sealing = true) {
  const keys = new PatientKeys(new MemoryPatientKeyStore(), {
    id: 'wk-1',
    key: randomBytes(32),
  });
  const published: Array<{ key: string; event: PatientForgotten }> = [];
  let n = 0;
  const deps: ForgetPatientDeps = {
    keys: sealing ? keys : undefined,
    publish: async (key, event) => void published.push({ key, event }),
    envelope: () => ({ ...EXAMPLE_EVENTS.PatientForgotten.envelope, eventId: `event-${++n}` }),
  };
  return { keys, published, deps };
}

describe('forgetPatient', () => {
  it('destroys the key and publishes PatientForgotten keyed by the pseudonym, as the principal', async () => {
    const { keys, published, deps } = harness();
    await keys.keyFor(PATIENT);

    const result = await forgetPatient(PATIENT, 'dpo', deps);

    expect(result).toEqual({ patient: PATIENT, keyDestroyed: true, eventId: 'event-1' });
    expect(await keys.existingKeyFor(PATIENT)).toBeUndefined();
    expect(published).toEqual([
      {
        key: PATIENT,
        event: expect.objectContaining({
          patient_nbr: PATIENT,
          requestedBy: 'dpo',
          keyDestroyed: true,
        }) as PatientForgotten,
      },
    ]);
  });

  it('is idempotent: a second forget publishes again with keyDestroyed false', async () => {
    const { keys, published, deps } = harness();
    await keys.keyFor(PATIENT);
    await forgetPatient(PATIENT, 'dpo', deps);

    const again = await forgetPatient(PATIENT, 'dpo', deps);

    expect(again).toEqual({ patient: PATIENT, keyDestroyed: false, eventId: 'event-2' });
    expect(published.map(({ event }) => event.keyDestroyed)).toEqual([true, false]);
  });

  it('refuses a raw patient number (or anything but a patient pseudonym) without repeating it', async () => {
    const { published, deps } = harness();
    for (const value of ['8222157', 'enc_WqgcxhOw611n1E5WV6Ju7Q', 'pat_short', '', undefined]) {
      const error = await forgetPatient(value, 'dpo', deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotAPatientPseudonymError);
      if (value) expect((error as Error).message).not.toContain(value);
    }
    expect(published).toEqual([]);
  });

  it('refuses when sealing is off, publishing nothing', async () => {
    const { published, deps } = harness(false);
    await expect(forgetPatient(PATIENT, 'dpo', deps)).rejects.toBeInstanceOf(SealingOffError);
    expect(published).toEqual([]);
  });
});
