import { TOPICS, topicName, type OffsetRange } from '@readmit/contracts';
import { replayEvents, type EventSerde, type SkipCounts } from '@readmit/platform/kafka';
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
  /** Events of a type their topic does not carry (an outcome on patient.encounters): left out. */
  readonly misrouted: number;
  /** Everything left out, by reason. */
  readonly skipped: SkipCounts;
}

/**
 * Reads patient.encounters and patient.outcomes from the beginning to their current ends: the
 * raw material of a point-in-time training set, with the offset ranges as its lineage. The
 * replay holds every event to its field rules and its topic: an invalid encounter, or an
 * outcome written to the encounters' topic, never reaches a dataset.
 */
export async function readTrainingLog(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix = '',
): Promise<TrainingLog> {
  const encounters: LoggedEncounter[] = [];
  const outcomes: LoggedOutcome[] = [];
  const encounterTopic = topicName(TOPICS.encounters, topicPrefix);
  const outcomeTopic = topicName(TOPICS.outcomes, topicPrefix);
  const { ends, skipped } = await replayEvents(
    kafka,
    serde,
    [encounterTopic, outcomeTopic],
    ['EncounterRecorded', 'OutcomeRecorded'],
    (logged) => {
      if (logged.eventType === 'EncounterRecorded') {
        const { envelope: _, recordedAt, source: __, ...encounter } = logged.event;
        encounters.push({ encounter, recordedAt });
      } else
        outcomes.push({
          encounterId: logged.event.encounter_id,
          outcome: logged.event.readmitted,
          recordedAt: logged.event.recordedAt,
          // Outcomes written before the field, like the UCI labels, were reported.
          derivation: logged.event.derivation ?? 'REPORTED',
        });
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
    // Bytes no schema reads, whatever the serde found wrong with them.
    undecodable: skipped.undecodable + skipped.unknown_schema + skipped.unknown_event_type,
    invalid: skipped.invalid_event,
    misrouted: skipped.unexpected_event_type,
    skipped,
  };
}
