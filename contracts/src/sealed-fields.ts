import type { AvroField, AvroRecord } from './avro-schema';
import { EVENT_TYPES, type EventType } from './generated/events';
import { EVENT_SCHEMAS } from './generated/schemas';
import { openTypeOf } from './type-generator';

/** The field that carries an event's sealed fields, encrypted, when they are sealed. */
export const SEALED_FIELDS_FIELD = 'sealedFields';

/** The field whose pseudonym names the patient whose data key seals an event. */
export const SEALING_PATIENT_FIELD = 'patient_nbr';

function sealedFieldsOf(schema: AvroRecord): AvroField[] {
  return schema.fields.filter((field) => field.sealed !== undefined);
}

/** The sealed fields of each event type (empty for events that carry no patient data). */
export const SEALED_FIELDS: Readonly<Record<EventType, readonly string[]>> = (() => {
  const byType = {} as Record<EventType, readonly string[]>;
  for (const eventType of EVENT_TYPES)
    byType[eventType] = sealedFieldsOf(EVENT_SCHEMAS[eventType]).map((field) => field.name);
  return byType;
})();

/** Whether events of this type carry fields sealed under a patient's key. */
export function isSealable(eventType: EventType): boolean {
  return SEALED_FIELDS[eventType].length > 0;
}

/**
 * The schema of the bytes in `sealedFields`: a record of the event schema's sealed fields with
 * their opened types, in the same order (so named types are defined where first used). Derived
 * from the writer schema of a message, it reads what that writer sealed; Avro resolution against
 * the reader's own sealed schema then evolves it like any other field. Null for a schema without
 * sealed fields (a writer from before sealing).
 */
export function sealedContentSchema(schema: AvroRecord): AvroRecord | null {
  const sealed = sealedFieldsOf(schema);
  if (sealed.length === 0) return null;
  return {
    type: 'record',
    name: `${schema.name}SealedFields`,
    namespace: schema.namespace,
    fields: sealed.map((field) => ({
      name: field.name,
      type: openTypeOf(field),
      ...(field.sealed === 'nullable' ? { default: null } : {}),
    })),
  };
}
