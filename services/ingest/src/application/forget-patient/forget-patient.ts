import { isPseudonym, type Envelope, type PatientForgotten } from '@readmit/contracts';
import { z } from 'zod';

/** The one thing forgetting needs of the patients' data keys (PatientKeys). */
export interface PatientKeyShredder {
  /** Destroys the patient's data key; true when there was one. */
  forget(patient: string): Promise<boolean>;
}

export interface ForgetPatientDeps {
  /** The data keys of the service; undefined when sealing is off (READMIT_KEK unset). */
  readonly keys: PatientKeyShredder | undefined;
  /** Publishes the event on patient.forgotten, keyed by the patient pseudonym. */
  readonly publish: (key: string, event: PatientForgotten) => Promise<void>;
  readonly envelope: () => Envelope;
}

/** What forgetting a patient answers (and the schema of `POST /v1/patients/{patient}/forget`'s 200). */
export const forgetPatientResult = z.object({
  patient: z.string().describe('The patient pseudonym.'),
  keyDestroyed: z
    .boolean()
    .describe('False when the patient had no key: nothing sealed yet, or forgotten before.'),
  eventId: z.string().describe('The eventId of the PatientForgotten published.'),
});
export type ForgetPatientResult = z.output<typeof forgetPatientResult>;

/** The value given is not a patient pseudonym (`pat_…`); the message never repeats it. */
export class NotAPatientPseudonymError extends Error {
  constructor() {
    super(
      'not a patient pseudonym: give the pat_… pseudonym (`readmit pseudonyms of --patient <id>` computes it), never a raw patient number',
    );
    this.name = 'NotAPatientPseudonymError';
  }
}

/** The service seals nothing (READMIT_KEK unset), so there is no key to destroy. */
export class SealingOffError extends Error {
  constructor() {
    super(
      'patient sealing is off (READMIT_KEK is not set): events are written in the clear, so there is no data key to destroy; nothing was forgotten',
    );
    this.name = 'SealingOffError';
  }
}

/**
 * Forgets a patient (crypto-shredding, issue 23): destroys their data key, so the sealed fields
 * of every event about them open for no one, then publishes PatientForgotten so that every reader
 * drops what it kept. Idempotent: forgetting again publishes again, with keyDestroyed false.
 * `requestedBy` is the authenticated principal, as recorded on decisions (actorOf).
 */
export async function forgetPatient(
  patient: unknown,
  requestedBy: string,
  deps: ForgetPatientDeps,
): Promise<ForgetPatientResult> {
  if (!isPseudonym('patient', patient)) throw new NotAPatientPseudonymError();
  if (!deps.keys) throw new SealingOffError();
  const keyDestroyed = await deps.keys.forget(patient);
  const event: PatientForgotten = {
    envelope: deps.envelope(),
    patient_nbr: patient,
    requestedBy,
    keyDestroyed,
  };
  await deps.publish(patient, event);
  return { patient, keyDestroyed, eventId: event.envelope.eventId };
}
