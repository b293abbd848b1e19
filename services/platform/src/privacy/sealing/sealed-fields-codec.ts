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
  const patient = (event as Fields)[SEALING_PATIENT_FIELD];
  // A prediction from before predictions were sealed names no patient: no key can seal it.
  if (typeof patient !== 'string' || patient === '')
    throw new Error(
      `an event without ${SEALING_PATIENT_FIELD} cannot be sealed: name the patient whose data key seals it`,
    );
  return patient;
}

/** Whether an event read from the log carries sealed fields still to open. */
export function isSealed(event: object): boolean {
  return (event as Fields)[SEALED_FIELDS_FIELD] instanceof Uint8Array;
}

/** Binds sealed bytes to their event: its type and every identifier (pseudonyms) it carries. */
function associatedDataOf(eventType: EventType, event: object): string {
  // `type|id|id…`, concatenated rather than mapped and joined: it is built for every event.
  let data: string = eventType;
  for (const { field } of IDENTIFIER_FIELDS[eventType])
    data += `|${String((event as Fields)[field])}`;
  return data;
}

/** Builds the wire object of a sealed event from the event and its sealed bytes. */
type WireBuilder = (event: Fields, sealedBytes: Buffer) => Fields;

const WIRE_BUILDERS = new Map<EventType, WireBuilder>();

/**
 * The wire object builder of an event type: an object literal with every field of the schema,
 * in its order, the sealed fields null and `sealedFields` the sealed bytes. Copying the event
 * with a spread and then nulling its ~50 sealed fields by name cost ~7 µs per event (keyed
 * stores); a literal of known shape costs ~0.3 µs. It is compiled once per type, as avsc compiles
 * its readers and writers; the field names are Avro names (`[A-Za-z_][A-Za-z0-9_]*`) from our
 * own schemas, quoted with JSON.stringify all the same.
 */
export function wireBuilderOf(eventType: EventType): WireBuilder {
  const cached = WIRE_BUILDERS.get(eventType);
  if (cached) return cached;
  const sealed = new Set(SEALED_FIELDS[eventType]);
  const properties = EVENT_SCHEMAS[eventType].fields.map(({ name }) => {
    const key = JSON.stringify(avroName(name));
    const value =
      name === SEALED_FIELDS_FIELD ? 'sealedBytes' : sealed.has(name) ? 'null' : `event[${key}]`;
    return `${key}: ${value}`;
  });
  if (!EVENT_SCHEMAS[eventType].fields.some(({ name }) => name === SEALED_FIELDS_FIELD))
    properties.push(`${JSON.stringify(SEALED_FIELDS_FIELD)}: sealedBytes`);
  // Compiled once from our own schema's field names, checked by avroName.
  const builder = new Function('event', 'sealedBytes', `return { ${properties.join(', ')} };`);
  WIRE_BUILDERS.set(eventType, builder as WireBuilder);
  return builder as WireBuilder;
}

/** Copies the opened values of an event's sealed fields onto it. */
type OpenedFieldsSetter = (event: Fields, values: Fields) => void;

const OPENED_FIELDS_SETTERS = new Map<EventType, OpenedFieldsSetter>();

/**
 * The setter of an event type's opened fields: `event.f = values.f` for each sealed field,
 * compiled once like the wire builder (named stores instead of ~50 keyed ones: ~2 µs an event).
 */
export function openedFieldsSetterOf(eventType: EventType): OpenedFieldsSetter {
  const cached = OPENED_FIELDS_SETTERS.get(eventType);
  if (cached) return cached;
  const body = SEALED_FIELDS[eventType]
    .map((name) => {
      const key = JSON.stringify(avroName(name));
      return `event[${key}] = values[${key}];`;
    })
    .join('\n');
  // Compiled once from our own schema's field names, checked by avroName.
  const setter = new Function('event', 'values', body) as OpenedFieldsSetter;
  OPENED_FIELDS_SETTERS.set(eventType, setter);
  return setter;
}

/** A field name checked to be an Avro name, so that it is safe in compiled code. */
function avroName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`not an Avro field name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * Where the Avro of sealed fields is written before it is encrypted: reused, since the cipher
 * copies what it is given at once (sealing is synchronous). Grown when an event does not fit.
 */
let plaintextScratch = Buffer.alloc(16 * 1024);

/** The Avro binary of an event's sealed fields, in the scratch buffer (valid until the next call). */
function sealedContentOf(content: avro.Type, event: object): Buffer {
  for (;;) {
    // The event itself is written with the content type: avsc reads only the sealed fields by
    // name, and a nullable sealed field left undefined takes its default, null.
    const end = content.encode(event, plaintextScratch, 0);
    if (end >= 0) return plaintextScratch.subarray(0, end);
    // avsc returns how many bytes were missing, negated.
    plaintextScratch = Buffer.alloc(2 * (plaintextScratch.length - end));
  }
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
  const sealedBytes = seal(
    dataKey,
    sealedContentOf(content, event),
    associatedDataOf(eventType, event),
  );
  return wireBuilderOf(eventType)(
    event as unknown as Fields,
    sealedBytes,
  ) as unknown as EventTypeMap[K];
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
  openedFieldsSetterOf(eventType)(fields, values);
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
