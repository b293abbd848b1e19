import type { EventType } from '@readmit/contracts';
/**
 * The errors of the Kafka layer. `retriable` decides what a consumer does: retry the message
 * (the broker or registry is down) or dead-letter it (the message itself is bad) and go on.
 */
export abstract class ReadmitKafkaError extends Error {
  abstract readonly retriable: boolean;
}

/** Why a message cannot be processed, recorded in the dead-letter headers. */
export type PoisonReason =
  | 'undecodable' // not the Confluent wire format, or bytes the writer schema cannot read
  | 'unknown_schema' // the schema id is not in the registry
  | 'unknown_event_type' // a schema that is not one of our events
  | 'invalid_event' // decoded, but it breaks its event's field rules or the domain refuses it
  | 'unexpected_event_type' // one of our events, but not one the topic catalog lists for its topic
  | 'handler_error' // the handler failed in a way retrying will not fix
  | 'sealed_without_keys' // sealed under a patient's data key, and this reader holds no keys
  | 'patient_forgotten'; // sealed under the key of a forgotten patient: skipped, never dead-lettered

/** The message itself is bad: dead-letter it and continue. */
export class PoisonMessageError extends ReadmitKafkaError {
  readonly retriable = false;
  constructor(
    readonly reason: PoisonReason,
    message: string,
  ) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/**
 * An event sealed under the data key of a patient who was forgotten: nobody can read it any
 * more. Readers skip it (counted as 'patient_forgotten'); it is not dead-lettered, there is
 * nothing wrong with it.
 */
export class PatientForgottenError extends PoisonMessageError {
  constructor(readonly eventType: EventType) {
    super(
      'patient_forgotten',
      `${eventType} of a forgotten patient: its sealed fields open for no one`,
    );
    this.name = 'PatientForgottenError';
  }
}

/** A field of an event that breaks its rule, named by its path; never its value. */
export interface EventFieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * A well-formed event that breaks a domain rule: its event type's field rules (found when it is
 * decoded, with the fields in `fieldErrors`) or a handler's verdict.
 */
export class InvalidEventError extends PoisonMessageError {
  constructor(
    message: string,
    readonly fieldErrors: readonly EventFieldError[] = [],
  ) {
    super('invalid_event', message);
    this.name = 'InvalidEventError';
  }
}

/** A dependency is unavailable; the same message may succeed later. */
export class RetriableKafkaError extends ReadmitKafkaError {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableKafkaError';
  }
}

/** The registry refused one of our schemas; nothing is produced until the contract is fixed. */
export class SchemaCompatibilityError extends ReadmitKafkaError {
  readonly retriable = false;
  constructor(
    readonly subject: string,
    detail: string,
  ) {
    super(
      `schema for subject '${subject}' is not BACKWARD compatible with the registered versions: ${detail}. Make the change additive (new fields need defaults) or publish a new event type.`,
    );
    this.name = 'SchemaCompatibilityError';
  }
}

export function isRetriable(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === true
  );
}
