import { EXAMPLE_EVENTS, EXAMPLE_PSEUDONYMS } from './examples';
import { IDENTIFIER_FIELDS, unwritableIdentifier, upcastIdentifiers } from './identifier-fields';
import {
  clearIdOfLegacy,
  isLegacyClearId,
  isLoggedIdentifier,
  isPseudonym,
  legacyClearId,
} from './identifiers';
import type { PredictionMade } from './generated/events';

describe('identifier forms', () => {
  it('recognises pseudonyms by kind, in their one canonical spelling', () => {
    expect(isPseudonym('encounter', EXAMPLE_PSEUDONYMS.encounter)).toBe(true);
    expect(isPseudonym('patient', EXAMPLE_PSEUDONYMS.patient)).toBe(true);
    expect(isPseudonym('patient', EXAMPLE_PSEUDONYMS.encounter)).toBe(false);
    expect(isPseudonym('encounter', '149190')).toBe(false);
    expect(isPseudonym('encounter', 149190)).toBe(false);
    // 16 bytes leave 2 bits in the last character: only A, Q, g, w end a canonical one.
    expect(isPseudonym('encounter', `${EXAMPLE_PSEUDONYMS.encounter.slice(0, -1)}B`)).toBe(false);
    expect(isPseudonym('encounter', `${EXAMPLE_PSEUDONYMS.encounter}A`)).toBe(false);
  });

  it('writes legacy clear ids in a form no pseudonym can take, and reads their number back', () => {
    expect(legacyClearId(149190)).toBe('legacy:149190');
    expect(isLegacyClearId('legacy:149190')).toBe(true);
    expect(isPseudonym('encounter', 'legacy:149190')).toBe(false);
    expect(isLegacyClearId(EXAMPLE_PSEUDONYMS.encounter)).toBe(false);
    expect(isLoggedIdentifier('patient', 'legacy:7')).toBe(true);
    expect(isLoggedIdentifier('patient', '7')).toBe(false);
    expect(clearIdOfLegacy('legacy:149190')).toBe('149190');
    expect(() => clearIdOfLegacy('enc_x')).toThrow('not a legacy clear id');
  });
});

describe('identifier fields', () => {
  it('are the ids of the patient events, read from the schemas', () => {
    expect(IDENTIFIER_FIELDS.EncounterRecorded).toEqual([
      { field: 'encounter_id', kind: 'encounter', nullable: false },
      { field: 'patient_nbr', kind: 'patient', nullable: false },
    ]);
    expect(IDENTIFIER_FIELDS.OutcomeRecorded).toEqual(IDENTIFIER_FIELDS.EncounterRecorded);
    // A prediction names its patient since golden v4: null in older ones.
    expect(IDENTIFIER_FIELDS.PredictionMade).toEqual([
      { field: 'encounter_id', kind: 'encounter', nullable: false },
      { field: 'patient_nbr', kind: 'patient', nullable: true },
    ]);
    expect(IDENTIFIER_FIELDS.ModelPromoted).toEqual([]);
  });

  it('upcasts an identifier decoded as a long to its legacy clear id and leaves strings alone', () => {
    const old = { ...EXAMPLE_EVENTS.OutcomeRecorded, encounter_id: 149190, patient_nbr: 55629189 };
    upcastIdentifiers('OutcomeRecorded', old as never);
    expect([old.encounter_id, old.patient_nbr]).toEqual(['legacy:149190', 'legacy:55629189']);
    const current = { ...EXAMPLE_EVENTS.OutcomeRecorded };
    upcastIdentifiers('OutcomeRecorded', current);
    expect(current).toEqual(EXAMPLE_EVENTS.OutcomeRecorded);
  });

  it('lets only pseudonyms be written into recorded facts; a prediction may repeat a legacy id', () => {
    expect(unwritableIdentifier('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded)).toBeNull();
    expect(
      unwritableIdentifier('EncounterRecorded', {
        ...EXAMPLE_EVENTS.EncounterRecorded,
        patient_nbr: '55629189',
      }),
    ).toBe('patient_nbr');
    expect(
      unwritableIdentifier('OutcomeRecorded', {
        ...EXAMPLE_EVENTS.OutcomeRecorded,
        encounter_id: 'legacy:149190',
      }),
    ).toBe('encounter_id');
    expect(
      unwritableIdentifier('EncounterRecorded', {
        ...EXAMPLE_EVENTS.EncounterRecorded,
        encounter_id: EXAMPLE_PSEUDONYMS.patient,
      }),
    ).toBe('encounter_id');
    const fromLegacy: PredictionMade = {
      ...EXAMPLE_EVENTS.PredictionMade,
      encounter_id: 'legacy:149190',
    };
    expect(unwritableIdentifier('PredictionMade', fromLegacy)).toBeNull();
    expect(
      unwritableIdentifier('PredictionMade', { ...fromLegacy, encounter_id: 149190 as never }),
    ).toBe('encounter_id');
    expect(unwritableIdentifier('ModelPromoted', EXAMPLE_EVENTS.ModelPromoted)).toBeNull();
  });
});
