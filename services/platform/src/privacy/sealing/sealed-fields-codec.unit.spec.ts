import { randomBytes } from 'node:crypto';
import {
  EVENT_SCHEMAS,
  EXAMPLE_EVENTS,
  SEALED_FIELDS,
  sealedContentSchema,
  type AvroRecord,
} from '@readmit/contracts';
import avro from 'avsc';
import { seal, SealError } from '../keys/field-sealer';
import {
  isSealed,
  openedFieldsSetterOf,
  openFields,
  sealedContentReaderOf,
  sealFields,
  sealingPatientOf,
  wireBuilderOf,
} from './sealed-fields-codec';

const encounter = EXAMPLE_EVENTS.EncounterRecorded;
const ownReader = () =>
  sealedContentReaderOf('EncounterRecorded', EVENT_SCHEMAS.EncounterRecorded)!;

describe('sealing the clinical fields of an event', () => {
  const key = randomBytes(32);

  it('nulls every sealed field on the wire and keeps identifiers and envelope in the clear', () => {
    const sealed = sealFields('EncounterRecorded', encounter, key) as unknown as Record<
      string,
      unknown
    >;
    for (const field of SEALED_FIELDS.EncounterRecorded)
      expect([field, sealed[field]]).toEqual([field, null]);
    expect(sealed.encounter_id).toBe(encounter.encounter_id);
    expect(sealed.patient_nbr).toBe(encounter.patient_nbr);
    expect(sealed.envelope).toEqual(encounter.envelope);
    expect(isSealed(sealed)).toBe(true);
    // What a reader without the key sees: no clinical value in the bytes.
    const wire = avro.Type.forSchema(EVENT_SCHEMAS.EncounterRecorded as avro.Schema).toBuffer(
      sealed,
    );
    for (const value of [encounter.age, encounter.gender, encounter.diag_1 ?? ''])
      expect(wire.includes(Buffer.from(value))).toBe(false);
    // The event given is left as it was.
    expect(encounter.gender).not.toBeNull();
  });

  it('opens with the same key into the event as it was', () => {
    const sealed = sealFields('EncounterRecorded', encounter, key);
    openFields('EncounterRecorded', sealed, key, ownReader());
    expect(sealed).toEqual(encounter);
    expect(sealingPatientOf(sealed)).toBe(encounter.patient_nbr);
  });

  it('refuses another key, altered bytes, and sealed bytes moved to another encounter', () => {
    const other = randomBytes(32);
    expect(() =>
      openFields(
        'EncounterRecorded',
        sealFields('EncounterRecorded', encounter, key),
        other,
        ownReader(),
      ),
    ).toThrow(SealError);
    const altered = sealFields('EncounterRecorded', encounter, key);
    altered.sealedFields![20] ^= 1;
    expect(() => openFields('EncounterRecorded', altered, key, ownReader())).toThrow(SealError);
    const moved = {
      ...sealFields('EncounterRecorded', encounter, key),
      encounter_id: 'enc_AAAAAAAAAAAAAAAAAAAAAA',
    };
    expect(() => openFields('EncounterRecorded', moved, key, ownReader())).toThrow(SealError);
  });

  it('reads what an older writer sealed: a sealed field it did not have takes its default', () => {
    // An older EncounterRecorded without `weight` (a nullable sealed field).
    const older: AvroRecord = {
      ...EVENT_SCHEMAS.EncounterRecorded,
      fields: EVENT_SCHEMAS.EncounterRecorded.fields.filter((field) => field.name !== 'weight'),
    };
    const olderContent = avro.Type.forSchema(sealedContentSchema(older) as avro.Schema);
    const values = Object.fromEntries(
      SEALED_FIELDS.EncounterRecorded.filter((field) => field !== 'weight').map((field) => [
        field,
        (encounter as unknown as Record<string, unknown>)[field],
      ]),
    );
    const written = {
      ...encounter,
      sealedFields: seal(
        key,
        olderContent.toBuffer(values),
        ['EncounterRecorded', encounter.encounter_id, encounter.patient_nbr].join('|'),
      ),
    };
    openFields(
      'EncounterRecorded',
      written,
      key,
      sealedContentReaderOf('EncounterRecorded', older)!,
    );
    expect(written).toEqual({ ...encounter, weight: null });
  });

  it('has nothing to read for a writer from before sealing', () => {
    const before: AvroRecord = {
      ...EVENT_SCHEMAS.EncounterRecorded,
      fields: EVENT_SCHEMAS.EncounterRecorded.fields.filter(
        (field) => field.name !== 'sealedFields',
      ),
    };
    expect(sealedContentReaderOf('EncounterRecorded', before)).toBeUndefined();
    expect(sealedContentReaderOf('ModelPromoted', EVENT_SCHEMAS.ModelPromoted)).toBeUndefined();
  });

  it('builds the wire object with every schema field, in order: sealed ones null, then the bytes', () => {
    const bytes = Buffer.of(1, 2, 3);
    const wire = wireBuilderOf('EncounterRecorded')(
      { ...encounter, notInTheSchema: 1 } as unknown as Record<string, unknown>,
      bytes,
    );
    expect(Object.keys(wire)).toEqual(
      EVENT_SCHEMAS.EncounterRecorded.fields.map((field) => field.name),
    );
    const sealed = new Set(SEALED_FIELDS.EncounterRecorded);
    for (const [field, value] of Object.entries(wire)) {
      if (field === 'sealedFields') expect(value).toBe(bytes);
      else if (sealed.has(field)) expect([field, value]).toEqual([field, null]);
      else
        expect([field, value]).toEqual([
          field,
          (encounter as unknown as Record<string, unknown>)[field],
        ]);
    }
  });

  it('sets every opened field from the values read, and only those', () => {
    const event: Record<string, unknown> = { encounter_id: 'enc_x', age: null };
    const values = Object.fromEntries(
      SEALED_FIELDS.EncounterRecorded.map((field, index) => [field, index]),
    );
    openedFieldsSetterOf('EncounterRecorded')(event, { ...values, extra: 'no' });
    expect(event).toEqual({ encounter_id: 'enc_x', ...values });
  });

  it('seals and opens an event larger than the scratch buffer, and one left unsealable', () => {
    const large = { ...encounter, diag_1: 'x'.repeat(40_000) };
    const sealed = sealFields('EncounterRecorded', large, key);
    expect(sealed.sealedFields!.length).toBeGreaterThan(40_000);
    openFields('EncounterRecorded', sealed, key, ownReader());
    expect(sealed).toEqual(large);
    // A required sealed field missing fails as before (the serde then names the field).
    const { age: _age, ...missing } = encounter;
    expect(() =>
      sealFields('EncounterRecorded', missing as unknown as typeof encounter, key),
    ).toThrow();
  });

  it('seals an optional sealed field left undefined as null', () => {
    const { weight: _weight, ...withoutWeight } = encounter;
    const sealed = sealFields(
      'EncounterRecorded',
      withoutWeight as unknown as typeof encounter,
      key,
    );
    openFields('EncounterRecorded', sealed, key, ownReader());
    expect(sealed.weight).toBeNull();
  });
});
