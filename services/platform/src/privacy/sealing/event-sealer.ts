import { isSealable, SEALED_FIELDS, type EventType, type EventTypeMap } from '@readmit/contracts';
import type { PatientKeys } from '../keys/patient-keys';
import { isSealed, sealFields, sealingPatientOf } from './sealed-fields-codec';

/** An event about to be written, as publishers hand them over. */
export interface EventToWrite {
  readonly eventType: EventType;
  readonly event: EventTypeMap[EventType];
}

export interface PrepareOptions {
  /**
   * Whether a patient without a key gets one (default true). A writer that derives its events
   * from events it read (a scorer's predictions, a backfill's) passes false: the patient had a
   * key when the event was read, so one missing now was destroyed meanwhile (a forget), and
   * making a new one would seal the derived event under a key that outlives the forget.
   */
  readonly makeKeys?: boolean;
}

/**
 * Seals patient events for writing and finds the keys to open them when reading, with the
 * patients' data keys (PatientKeys). The serde calls it: writers `prepare` the keys of a batch
 * (made on a patient's first record), then each event is sealed synchronously as it is encoded.
 */
export class EventSealer {
  constructor(readonly keys: PatientKeys) {}

  /**
   * Loads (or makes, see PrepareOptions) the data key of every patient of these events that must
   * be sealed. Returns the patients left without a key: forgotten, when keys are not made.
   */
  async prepare(
    events: readonly EventToWrite[],
    { makeKeys = true }: PrepareOptions = {},
  ): Promise<ReadonlySet<string>> {
    const patients = new Set<string>();
    for (const { eventType, event } of events)
      if (isSealable(eventType) && !isSealed(event)) patients.add(sealingPatientOf(event));
    if (makeKeys) {
      await this.keys.keysFor([...patients]);
      return new Set();
    }
    const keys = await this.keys.existingKeysOf([...patients]);
    return new Set([...patients].filter((patient) => !keys.has(patient)));
  }

  /** The event as it goes on the wire; its patient's key must have been prepared. */
  sealForWriting<K extends EventType>(eventType: K, event: EventTypeMap[K]): EventTypeMap[K] {
    if (!isSealable(eventType)) return event;
    if (isSealed(event)) {
      // Sealed elsewhere (an event copied from the log): it goes as it is, but only if nothing
      // it seals is in the clear beside the sealed bytes.
      const clear = clearSealedField(eventType, event);
      if (clear !== null)
        throw new Error(
          `invalid ${eventType}: ${clear} is in the clear beside sealedFields (a sealed event carries its sealed fields only encrypted)`,
        );
      return event;
    }
    const key = this.keys.cachedKey(sealingPatientOf(event));
    if (!key)
      throw new Error(
        `the data key of the patient of a ${eventType} was not loaded before encoding: publish through EventPublisher or call EventSerde.prepareToWrite first`,
      );
    return sealFields(eventType, event, key);
  }

  /** The data keys kept for these patients; a patient missing from the map was forgotten. */
  keysOf(patients: readonly string[]): Promise<Map<string, Buffer>> {
    return this.keys.existingKeysOf(patients);
  }
}

/** The first sealed field of an event that holds a value, or null. Names the field, never the value. */
function clearSealedField(eventType: EventType, event: object): string | null {
  for (const field of SEALED_FIELDS[eventType])
    if ((event as Record<string, unknown>)[field] != null) return field;
  return null;
}

/**
 * The events whose patient still has a key: those of `forgotten` patients are left out. The
 * usual case, nobody forgotten, hands back the same array (it runs for every batch).
 */
export function withoutForgotten<T extends EventToWrite>(
  events: readonly T[],
  forgotten: ReadonlySet<string>,
): readonly T[] {
  if (forgotten.size === 0) return events;
  return events.filter(
    ({ eventType, event }) =>
      !isSealable(eventType) || isSealed(event) || !forgotten.has(sealingPatientOf(event)),
  );
}
