import type {
  Envelope,
  EncounterRecorded,
  OutcomeRecorded,
  ReadmissionClass,
} from '@readmit/contracts';
import type { EncounterAttributes } from './encounter-row';

export interface RecordingContext {
  /** Envelopes come from outside: ids and clocks are not domain decisions. */
  readonly envelopeFor: (
    eventType: 'EncounterRecorded' | 'OutcomeRecorded',
    causedBy?: Envelope,
  ) => Envelope;
  readonly recordedAt: number;
  readonly source: string;
}

/**
 * The events one parsed row becomes: the encounter and, when its label is known, the outcome,
 * caused by the encounter. Both are keyed by encounter_id.
 */
export function encounterEvents(
  encounter: EncounterAttributes,
  outcome: ReadmissionClass | null,
  context: RecordingContext,
): { encounter: EncounterRecorded; outcome: OutcomeRecorded | null } {
  const recorded: EncounterRecorded = {
    envelope: context.envelopeFor('EncounterRecorded'),
    ...encounter,
    recordedAt: context.recordedAt,
    source: context.source,
  };
  return {
    encounter: recorded,
    outcome: outcome === null ? null : outcomeEvent(encounter, outcome, context, recorded.envelope),
  };
}

/**
 * An encounter's outcome alone: a label that arrives after its encounter, or a corrected one.
 * `causedBy` is the encounter's envelope when both are recorded together.
 */
export function outcomeEvent(
  encounter: Pick<EncounterAttributes, 'encounter_id' | 'patient_nbr'>,
  outcome: ReadmissionClass,
  context: Omit<RecordingContext, 'source'>,
  causedBy?: Envelope,
): OutcomeRecorded {
  return {
    envelope: context.envelopeFor('OutcomeRecorded', causedBy),
    encounter_id: encounter.encounter_id,
    patient_nbr: encounter.patient_nbr,
    readmitted: outcome,
    recordedAt: context.recordedAt,
    derivation: 'REPORTED',
  };
}
