import { randomBytes } from 'node:crypto';
import { EXAMPLE_EVENTS, SEALED_FIELDS } from '@readmit/contracts';
import { MemoryPatientKeyStore } from '../keys/memory-patient-key-store';
import { PatientKeys } from '../keys/patient-keys';
import { EventSealer } from './event-sealer';

const encounter = EXAMPLE_EVENTS.EncounterRecorded;
const newSealer = () =>
  new EventSealer(new PatientKeys(new MemoryPatientKeyStore(), { id: 'wk', key: randomBytes(32) }));

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
});
