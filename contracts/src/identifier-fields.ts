import type { AvroRecord } from './avro-schema';
import { EVENT_TYPES, type EventType, type EventTypeMap } from './generated/events';
import { EVENT_SCHEMAS } from './generated/schemas';
import { isLoggedIdentifier, isPseudonym, legacyClearId, type IdentifierKind } from './identifiers';

/** A field that holds an identifier: the `.avsc` marks it with `"pseudonym": "<kind>"`. */
export interface IdentifierField {
  readonly field: string;
  readonly kind: IdentifierKind;
  /**
   * Added to its event after the event was first written (PredictionMade's patient): null in
   * older events, which readers accept; writers must still fill it.
   */
  readonly nullable: boolean;
}

function identifierFieldsOf(schema: AvroRecord): IdentifierField[] {
  return schema.fields.flatMap((field) =>
    field.pseudonym
      ? [
          {
            field: field.name,
            kind: field.pseudonym,
            nullable: Array.isArray(field.type) && field.type[0] === 'null',
          },
        ]
      : [],
  );
}

/** The identifier fields of each event type, read from the schemas once. */
export const IDENTIFIER_FIELDS: Readonly<Record<EventType, readonly IdentifierField[]>> = (() => {
  const byType = {} as Record<EventType, readonly IdentifierField[]>;
  for (const eventType of EVENT_TYPES)
    byType[eventType] = identifierFieldsOf(EVENT_SCHEMAS[eventType]);
  return byType;
})();

/**
 * Events recorded from outside data: their identifiers must be pseudonyms when written. Events
 * derived from the log (a PredictionMade) may repeat the legacy clear id of an event written
 * before pseudonyms, which is already on the log; they add no new identifier.
 */
const RECORDED_FROM_OUTSIDE: ReadonlySet<EventType> = new Set([
  'EncounterRecorded',
  'OutcomeRecorded',
]);

type Fields = Record<string, unknown>;

/**
 * The upcaster of identifier fields (schema evolution, docs/events.md): events written before
 * pseudonyms carry identifiers as Avro longs, which the current `["string", "long"]` union reads
 * as numbers; each becomes its legacy clear id (`legacy:149190`), so readers only ever see
 * strings. Changes the freshly decoded event in place.
 */
export function upcastIdentifiers<K extends EventType>(eventType: K, event: EventTypeMap[K]): void {
  for (const { field } of IDENTIFIER_FIELDS[eventType]) {
    const value = (event as unknown as Fields)[field];
    if (typeof value === 'number') (event as unknown as Fields)[field] = legacyClearId(value);
  }
}

/**
 * The first identifier field of an event about to be written that breaks the rule (a clear id, a
 * number, an id of another kind), or null. Names the field only: its value may be a clear id.
 */
export function unwritableIdentifier<K extends EventType>(
  eventType: K,
  event: EventTypeMap[K],
): string | null {
  const fields = IDENTIFIER_FIELDS[eventType];
  if (fields.length === 0) return null;
  const accepts = RECORDED_FROM_OUTSIDE.has(eventType) ? isPseudonym : isLoggedIdentifier;
  for (const { field, kind } of fields)
    if (!accepts(kind, (event as unknown as Fields)[field])) return field;
  return null;
}
