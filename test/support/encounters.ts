import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { newEnvelope, type OutgoingEvent } from '@readmit/platform';
import { exampleEncounter } from './kafka';

/** Encounters `from`, `from + 1`, … each with its outcome (the three classes in turn). */
export function labelledEncounters(from: number, count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, index) => from + index).flatMap(
    (id): OutgoingEvent[] => {
      const encounter = exampleEncounter(id);
      return [
        { eventType: 'EncounterRecorded', key: String(id), event: encounter },
        {
          eventType: 'OutcomeRecorded',
          key: String(id),
          event: {
            ...EXAMPLE_EVENTS.OutcomeRecorded,
            envelope: newEnvelope('OutcomeRecorded', {
              producer: 'test',
              causedBy: encounter.envelope,
            }),
            encounter_id: id,
            readmitted: id % 3 === 0 ? 'NO' : id % 3 === 1 ? 'AFTER_30_DAYS' : 'WITHIN_30_DAYS',
          },
        },
      ];
    },
  );
}
