import { randomBytes } from 'node:crypto';
import { EXAMPLE_EVENTS, SEALED_FIELDS } from '@readmit/contracts';
import { MemoryPatientKeyStore } from '../keys/memory-patient-key-store';
import { PatientKeys } from '../keys/patient-keys';
import { EventSealer, withoutForgotten } from './event-sealer';

const encounter = EXAMPLE_EVENTS.EncounterRecorded;
const newSealer = (store = new MemoryPatientKeyStore()) =>
  new EventSealer(new PatientKeys(store, { id: 'wk', key: randomBytes(32) }));
const prediction = EXAMPLE_EVENTS.PredictionMade;

describe('EventSealer', () => {
  it('seals a prepared patient event and leaves events without patient data alone', async () => {
    const sealer = newSealer();
    await sealer.prepare([{ eventType: 'EncounterRecorded', event: encounter }]);
    const sealed = sealer.sealForWriting('EncounterRecorded', encounter);
    expect(sealed.sealedFields).toBeInstanceOf(Buffer);
    expect(sealed.gender).toBeNull();
    const promoted = EXAMPLE_EVENTS.ModelPromoted;
    expect(sealer.sealForWriting('ModelPromoted', promoted)).toBe(promoted);
  });

  it('passes an event sealed elsewhere as it is, and refuses one with a sealed field in the clear beside its bytes', async () => {
    const sealer = newSealer();
    await sealer.prepare([{ eventType: 'EncounterRecorded', event: encounter }]);
    const sealed = sealer.sealForWriting('EncounterRecorded', encounter);
    expect(sealer.sealForWriting('EncounterRecorded', sealed)).toBe(sealed);
    const leaky = { ...sealed, age: '[90-100)' };
    expect(() => sealer.sealForWriting('EncounterRecorded', leaky)).toThrow(
      'invalid EncounterRecorded: age is in the clear beside sealedFields',
    );
    expect(() => sealer.sealForWriting('EncounterRecorded', leaky)).not.toThrow('[90-100)');
    expect(SEALED_FIELDS.EncounterRecorded).toContain('age');
  });

  it('refuses to seal a patient whose key was not prepared', () => {
    expect(() => newSealer().sealForWriting('EncounterRecorded', encounter)).toThrow(
      'was not loaded before encoding',
    );
  });

  it('makes no key for a derived event whose patient has none (forgotten since it was read), and says which', async () => {
    const store = new MemoryPatientKeyStore();
    const sealer = newSealer(store);
    const other = { ...prediction, patient_nbr: `pat_${'b'.repeat(21)}A` };
    // The other patient had a key when their encounter was read; this one's was destroyed.
    await sealer.prepare([{ eventType: 'PredictionMade', event: other }]);
    const events = [
      { eventType: 'PredictionMade' as const, event: prediction },
      { eventType: 'PredictionMade' as const, event: other },
      { eventType: 'ModelPromoted' as const, event: EXAMPLE_EVENTS.ModelPromoted },
    ];
    const forgotten = await sealer.prepare(events, { makeKeys: false });
    expect([...forgotten]).toEqual([prediction.patient_nbr]);
    expect(await store.get(prediction.patient_nbr as string)).toBeUndefined();
    expect(withoutForgotten(events, forgotten).map(({ event }) => event)).toEqual([
      other,
      EXAMPLE_EVENTS.ModelPromoted,
    ]);
    // A writer of new data makes the key, as before.
    expect((await sealer.prepare(events)).size).toBe(0);
    expect(await store.get(prediction.patient_nbr as string)).toBeDefined();
  });

  it('refuses to seal an event that names no patient (a prediction from before predictions were sealed)', async () => {
    await expect(
      newSealer().prepare([
        { eventType: 'PredictionMade', event: { ...prediction, patient_nbr: null } },
      ]),
    ).rejects.toThrow('an event without patient_nbr cannot be sealed');
  });
});
