import {
  EVENT_SCHEMAS,
  IDENTIFIER_FIELDS,
  SEALED_FIELDS,
  SEALED_FIELDS_FIELD,
  SEALING_PATIENT_FIELD,
  sealedContentSchema,
  type AvroRecord,
  type EventType,
  type EventTypeMap,
} from '@readmit/contracts';
import avro from 'avsc';
import { open, seal } from '../keys/field-sealer';

type Fields = Record<string, unknown>;

/** How the sealed bytes of one writer schema are read: its content type, resolved to ours. */
export interface SealedContentReader {
  readonly type: avro.Type;
  readonly resolver: avro.Resolver | undefined;
}

const OWN_CONTENT_TYPES = new Map<EventType, avro.Type>();

/** Our own (reader) type of an event type's sealed fields; undefined when it has none. */
export function ownContentType(eventType: EventType): avro.Type | undefined {
  const cached = OWN_CONTENT_TYPES.get(eventType);
  if (cached) return cached;
  const schema = sealedContentSchema(EVENT_SCHEMAS[eventType]);
  if (!schema) return undefined;
  const type = avro.Type.forSchema(schema as avro.Schema);
  OWN_CONTENT_TYPES.set(eventType, type);
  return type;
}

/**
 * The reader of what a writer schema sealed. The registry's copy of a schema has lost our field
 * attributes, so the writer's sealed fields are the ones our schema seals (a sealed field stays
 * sealed for good: docs/events.md), typed as the writer wrote them. Undefined when that writer
 * sealed nothing (it predates sealing).
 */
export function sealedContentReaderOf(
  eventType: EventType,
  writerSchema: AvroRecord,
): SealedContentReader | undefined {
  const own = ownContentType(eventType);
  if (!own || !writerSchema.fields.some((field) => field.name === SEALED_FIELDS_FIELD))
    return undefined;
  const ourFields = new Map(EVENT_SCHEMAS[eventType].fields.map((field) => [field.name, field]));
  const writerContent = sealedContentSchema({
    ...writerSchema,
    fields: writerSchema.fields.map((field) => ({
      ...field,
      sealed: ourFields.get(field.name)?.sealed,
    })),
  }) as AvroRecord;
  const writerType = avro.Type.forSchema(writerContent as avro.Schema);
  const same = JSON.stringify(writerType.schema()) === JSON.stringify(own.schema());
  return { type: own, resolver: same ? undefined : own.createResolver(writerType) };
}

/** The patient whose data key seals an event. */
export function sealingPatientOf(event: object): string {
  return (event as Fields)[SEALING_PATIENT_FIELD] as string;
}

/** Whether an event read from the log carries sealed fields still to open. */
export function isSealed(event: object): boolean {
  return (event as Fields)[SEALED_FIELDS_FIELD] instanceof Uint8Array;
}

/** Binds sealed bytes to their event: its type and every identifier (pseudonyms) it carries. */
function associatedDataOf(eventType: EventType, event: object): string {
  const ids = IDENTIFIER_FIELDS[eventType].map(({ field }) => String((event as Fields)[field]));
  return [eventType, ...ids].join('|');
}

/**
 * The event as written when sealed: its sealed fields null, their values encrypted together in
 * `sealedFields` under the patient's data key. The event given is not changed.
 */
export function sealFields<K extends EventType>(
  eventType: K,
  event: EventTypeMap[K],
  dataKey: Buffer,
): EventTypeMap[K] {
  const content = ownContentType(eventType);
  if (!content) return event;
  const sealed: Fields = { ...(event as unknown as Fields) };
  const values: Fields = {};
  for (const field of SEALED_FIELDS[eventType]) {
    values[field] = sealed[field] ?? null;
    sealed[field] = null;
  }
  sealed[SEALED_FIELDS_FIELD] = seal(
    dataKey,
    content.toBuffer(values),
    associatedDataOf(eventType, event),
  );
  return sealed as unknown as EventTypeMap[K];
}

/**
 * Opens a sealed event in place: its sealed fields get their values back and `sealedFields`
 * goes, so readers see the event as if it had never been sealed. Throws SealError when
 * the key is not the one it was sealed with, or the bytes were altered or moved.
 */
export function openFields(
  eventType: EventType,
  event: object,
  dataKey: Buffer,
  reader: SealedContentReader,
): void {
  const fields = event as Fields;
  const plain = open(
    dataKey,
    fields[SEALED_FIELDS_FIELD] as Uint8Array,
    associatedDataOf(eventType, event),
  );
  const values = reader.type.fromBuffer(plain, reader.resolver) as Fields;
  for (const field of SEALED_FIELDS[eventType]) fields[field] = values[field];
  delete fields[SEALED_FIELDS_FIELD];
}

/**
 * Drops the `sealedFields: null` an event read in the clear carries: code sees events as it
 * builds them, without the field only the serde writes. (It is the last field, which V8 deletes
 * cheaply.)
 */
export function dropEmptySealedFields(event: object): void {
  const fields = event as Fields;
  if (fields[SEALED_FIELDS_FIELD] === null) delete fields[SEALED_FIELDS_FIELD];
}
