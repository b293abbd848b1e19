import { EXAMPLE_EVENTS, type EncounterRecorded } from '@readmit/contracts';
import { newEnvelope, type EventSerde, type OutgoingEvent } from '@readmit/platform/kafka';
import { exampleEncounter } from './kafka';

/**
 * Encounters `from`, `from + 1`, … (as their pseudonyms, which key them) each with its reported
 * outcome (the three classes in turn).
 */
export function labelledEncounters(from: number, count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, index) => from + index).flatMap(
    (id): OutgoingEvent[] => {
      const encounter = exampleEncounter(id);
      return [
        { eventType: 'EncounterRecorded', key: encounter.encounter_id, event: encounter },
        {
          eventType: 'OutcomeRecorded',
          key: encounter.encounter_id,
          event: {
            ...EXAMPLE_EVENTS.OutcomeRecorded,
            envelope: newEnvelope('OutcomeRecorded', {
              producer: 'test',
              causedBy: encounter.envelope,
            }),
            encounter_id: encounter.encounter_id,
            readmitted: id % 3 === 0 ? 'NO' : id % 3 === 1 ? 'AFTER_30_DAYS' : 'WITHIN_30_DAYS',
            // The sender's label, as the UCI column is.
            derivation: 'REPORTED',
          },
        },
      ];
    },
  );
}

/**
 * Encounters that break the field rules, as a tester wrote them straight to patient.encounters
 * (past ingest and the gateway): absurd counts, an age band and a gender that do not exist, and a
 * stay of 2147483647 days. Avro takes them; no consumer may.
 */
export function invalidEncounters(from: number): EncounterRecorded[] {
  return [
    {
      ...exampleEncounter(from),
      time_in_hospital: -5,
      num_lab_procedures: -100,
      age: '[900-1000)',
      gender: 'Banana',
    },
    { ...exampleEncounter(from + 1), time_in_hospital: 2147483647 },
  ];
}

/** A well-formed ModelPromoted as bytes, to be written where it does not belong (patient.encounters). */
export function misroutedEvent(serde: EventSerde): Buffer {
  return serde.encode('ModelPromoted', {
    ...EXAMPLE_EVENTS.ModelPromoted,
    envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
  });
}
