import {
  TOPICS,
  topicName,
  type EncounterRecorded,
  type OffsetRange,
  type OutcomeRecorded,
} from '@readmit/contracts';
import {
  InvalidEventError,
  PoisonMessageError,
  replayLog,
  type EventSerde,
} from '@readmit/platform';
import type { Kafka } from 'kafkajs';
import type { LoggedEncounter, LoggedOutcome } from '../domain/training-set';

/** Everything the log held for training when it was read, and which offsets that was. */
export interface TrainingLog {
  readonly encounters: LoggedEncounter[];
  readonly outcomes: LoggedOutcome[];
  readonly encounterRanges: OffsetRange[];
  readonly outcomeRanges: OffsetRange[];
  /** Messages that could not be decoded (dead-lettered when they were consumed live). */
  readonly undecodable: number;
  /** Events that break their field rules (an encounter with absurd values): left out. */
  readonly invalid: number;
}

/**
 * Reads patient.encounters and patient.outcomes from the beginning to their current ends: the
 * raw material of a point-in-time training set, with the offset ranges as its lineage.
 */
export async function readTrainingLog(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix = '',
): Promise<TrainingLog> {
  const encounters: LoggedEncounter[] = [];
  const outcomes: LoggedOutcome[] = [];
  let undecodable = 0;
  let invalid = 0;
  const encounterTopic = topicName(TOPICS.encounters, topicPrefix);
  const outcomeTopic = topicName(TOPICS.outcomes, topicPrefix);
  const ends = await replayLog(
    kafka,
    [encounterTopic, outcomeTopic],
    async (_topic, _partition, message) => {
      let decoded;
      try {
        decoded = await serde.decode(message.value);
      } catch (error) {
        if (!(error instanceof PoisonMessageError)) throw error;
        // The serde holds every event to its field rules: an invalid one never reaches a dataset.
        if (error instanceof InvalidEventError) invalid += 1;
        else undecodable += 1;
        return;
      }
      if (decoded.eventType === 'EncounterRecorded') {
        const {
          envelope: _,
          recordedAt,
          source: __,
          ...encounter
        } = decoded.event as EncounterRecorded;
        encounters.push({ encounter, recordedAt });
      } else if (decoded.eventType === 'OutcomeRecorded') {
        const outcome = decoded.event as OutcomeRecorded;
        outcomes.push({
          encounterId: outcome.encounter_id,
          outcome: outcome.readmitted,
          recordedAt: outcome.recordedAt,
        });
      }
    },
    { purpose: 'trainer' },
  );
  const rangesOf = (topic: string): OffsetRange[] =>
    ends
      .filter((end) => end.topic === topic && end.high !== end.low)
      .map((end) => ({
        topic,
        partition: end.partition,
        fromOffset: Number(end.low),
        toOffset: Number(end.high),
      }));
  return {
    encounters,
    outcomes,
    encounterRanges: rangesOf(encounterTopic),
    outcomeRanges: rangesOf(outcomeTopic),
    undecodable,
    invalid,
  };
}
