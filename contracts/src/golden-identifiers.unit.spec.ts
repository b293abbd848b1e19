import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import avro from 'avsc';
import { EVENT_TYPES } from './generated/events';
import { EVENT_SCHEMAS } from './generated/schemas';
import { IDENTIFIER_FIELDS, upcastIdentifiers } from './identifier-fields';
import { isLegacyClearId, isPseudonym } from './identifiers';

const GOLDEN = resolve(__dirname, '..', 'golden');

/** Every golden payload of an event type with identifiers, read as the serde reads it. */
function decodedGoldens(eventType: (typeof EVENT_TYPES)[number]) {
  const reader = avro.Type.forSchema(EVENT_SCHEMAS[eventType] as avro.Schema);
  return readdirSync(GOLDEN)
    .sort()
    .filter((version) => existsSync(join(GOLDEN, version, `${eventType}.json`)))
    .map((version) => {
      const golden = JSON.parse(
        readFileSync(join(GOLDEN, version, `${eventType}.json`), 'utf8'),
      ) as { writerSchema: avro.Schema; payloadBase64: string };
      const writer = avro.Type.forSchema(golden.writerSchema);
      const event = reader.fromBuffer(
        Buffer.from(golden.payloadBase64, 'base64'),
        reader.createResolver(writer),
      );
      upcastIdentifiers(eventType, event);
      return { version, event: event as Record<string, unknown> };
    });
}

describe('golden payloads and the identifier upcaster', () => {
  const withIdentifiers = EVENT_TYPES.filter((type) => IDENTIFIER_FIELDS[type].length > 0);

  it('covers the three patient events and the forgetting of a patient', () => {
    expect(withIdentifiers).toEqual([
      'EncounterRecorded',
      'OutcomeRecorded',
      'PredictionMade',
      'PatientForgotten',
    ]);
  });

  it.each(withIdentifiers)(
    'every golden %s reads with string identifiers: v1 longs as legacy clear ids, later versions as pseudonyms',
    (eventType) => {
      const goldens = decodedGoldens(eventType);
      // PatientForgotten was born in v3, with pseudonyms from the start; v4 sealed predictions.
      const born = {
        PatientForgotten: ['v3'],
        PredictionMade: ['v1', 'v2', 'v3', 'v4'],
        // v5 named the code system of the diagnoses, v6 gave the stay its dates.
        EncounterRecorded: ['v1', 'v2', 'v3', 'v5', 'v6'],
        // v6 said how the outcome became known (reported or derived).
        OutcomeRecorded: ['v1', 'v2', 'v3', 'v6'],
      }[eventType as string] ?? ['v1', 'v2', 'v3'];
      expect(goldens.map(({ version }) => version)).toEqual(born);
      for (const { version, event } of goldens)
        for (const { field, kind } of IDENTIFIER_FIELDS[eventType]) {
          const value = event[field];
          // A prediction names its patient from v4 on: older ones read it as null.
          if (eventType === 'PredictionMade' && field === 'patient_nbr' && version !== 'v4') {
            expect([version, value]).toEqual([version, null]);
            continue;
          }
          expect([version, field, typeof value]).toEqual([version, field, 'string']);
          if (version === 'v1') expect(isLegacyClearId(value)).toBe(true);
          else expect(isPseudonym(kind, value)).toBe(true);
        }
    },
  );

  it('reads the v1 encounter as the clear ids it was written with, marked legacy', () => {
    const [v1] = decodedGoldens('EncounterRecorded');
    expect(v1.event).toMatchObject({
      encounter_id: 'legacy:149190',
      patient_nbr: 'legacy:55629189',
    });
  });
});
