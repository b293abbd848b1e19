import {
  catalogTopicOf,
  IDENTIFIER_FIELDS,
  isLoggedIdentifier,
  type EventType,
  type EventTypeMap,
} from '@readmit/contracts';
import { encounterEventErrors } from '@readmit/ml';
import { InvalidEventError, PoisonMessageError, type EventFieldError } from './kafka-errors';

/** The fields of an event that break its type's rules (none: it is valid). */
export type EventValidator<K extends EventType> = (
  event: EventTypeMap[K],
) => readonly EventFieldError[];

export type EventValidators = { readonly [K in EventType]?: EventValidator<K> };

/**
 * The field rules every decoded event is held to, by type; the serde applies them to every
 * message it reads, so no consumer can forget them. The encounter rules are the ones ingest and
 * the gateway take encounters in with: an event written straight to the log, past both, gets no
 * further than they would have let it.
 */
export const EVENT_VALIDATORS: EventValidators = {
  EncounterRecorded: encounterEventErrors,
  OutcomeRecorded: identifierErrors('OutcomeRecorded'),
  PredictionMade: identifierErrors('PredictionMade'),
};

/**
 * The identifier fields of an event that hold neither a pseudonym of their kind nor a legacy
 * clear id (an event written before pseudonyms), nor null where the field came later (a
 * prediction written before it named its patient): what the encounter rules hold encounters to,
 * for the other events that name an encounter. Never quotes the value.
 */
function identifierErrors<K extends EventType>(eventType: K): EventValidator<K> {
  const fields = IDENTIFIER_FIELDS[eventType];
  return (event) =>
    fields
      .filter(({ field, kind, nullable }) => {
        const value = (event as unknown as Record<string, unknown>)[field];
        return !(nullable && value === null) && !isLoggedIdentifier(kind, value);
      })
      .map(({ field, kind }) => ({ field, message: `is not a pseudonym of kind ${kind}` }));
}

/** How many field errors a dead letter's error header names (the rest are counted). */
const MAX_NAMED_ERRORS = 10;

/**
 * The event's InvalidEventError when it breaks its type's rules, otherwise null. The message
 * names each field and what is wrong with it, never a value: it goes into dead-letter headers
 * and logs.
 */
export function invalidEvent<K extends EventType>(
  validators: EventValidators,
  eventType: K,
  event: EventTypeMap[K],
): InvalidEventError | null {
  const validate = validators[eventType] as EventValidator<K> | undefined;
  if (!validate) return null;
  const errors = validate(event);
  if (errors.length === 0) return null;
  const named = errors
    .slice(0, MAX_NAMED_ERRORS)
    .map(({ field, message }) => `${field} ${message}`);
  const more =
    errors.length > MAX_NAMED_ERRORS ? `; and ${errors.length - MAX_NAMED_ERRORS} more` : '';
  return new InvalidEventError(
    `${eventType} breaks the field rules: ${named.join('; ')}${more}`,
    errors,
  );
}

/**
 * A well-formed event of a type the topic catalog does not list for the topic it came from (a
 * ModelPromoted on patient.encounters): a writer's mistake, dead-lettered rather than skipped
 * silently. Null when the catalog lists the type there, or the topic is not in the catalog.
 */
export function unexpectedEvent(
  topic: string,
  prefix: string,
  eventType: EventType,
): PoisonMessageError | null {
  const definition = catalogTopicOf(topic, prefix);
  if (!definition || definition.events.includes(eventType)) return null;
  return new PoisonMessageError(
    'unexpected_event_type',
    `${eventType} is not an event of ${definition.name} (it carries ${definition.events.join(', ')})`,
  );
}
