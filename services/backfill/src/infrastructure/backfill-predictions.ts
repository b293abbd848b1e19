import { TOPICS, topicName, type PredictionMade, type ReadmissionClass } from '@readmit/contracts';
import { replayEvents, type EventSerde } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { backfillPredictionId } from '../domain/backfill-event-id';

/** One backfill's predictions, as read back from patient.predictions.backfill. */
export interface BackfillPredictions {
  readonly backfillId: string;
  /** Score by encounter pseudonym. */
  readonly scores: Map<string, number>;
  /** The threshold the predictions were labelled at (null when there are none). */
  threshold: number | null;
  /** The model versions that wrote them (one, unless the log holds a surprise). */
  readonly versions: Set<string>;
  /** Predictions read more than once (a repeat of the same event id), dropped. */
  repeats: number;
}

/** What a comparison of backfills reads from the log. */
export interface BackfillComparisonInputs {
  readonly predictions: ReadonlyMap<string, BackfillPredictions>;
  /** The latest outcome of every encounter with one. */
  readonly outcomes: ReadonlyMap<string, ReadmissionClass>;
}

/**
 * Reads the predictions of the given backfills and every outcome, read_committed, up to the
 * ends of both logs now; an event on a topic that does not carry its type is left out. A
 * backfill's prediction of an encounter is recognised by its event id, derived from the
 * backfill id and the encounter id (backfillPredictionId): other backfills' predictions of the
 * same encounters share the topic and the key, but never that id.
 */
export async function readBackfillComparisonInputs(
  kafka: Kafka,
  serde: EventSerde,
  topicPrefix: string,
  backfillIds: readonly string[],
): Promise<BackfillComparisonInputs> {
  const predictions = new Map<string, BackfillPredictions>(
    backfillIds.map((backfillId) => [
      backfillId,
      { backfillId, scores: new Map(), threshold: null, versions: new Set(), repeats: 0 },
    ]),
  );
  const outcomes = new Map<string, ReadmissionClass>();
  await replayEvents(
    kafka,
    serde,
    [topicName(TOPICS.backfillPredictions, topicPrefix), topicName(TOPICS.outcomes, topicPrefix)],
    ['PredictionMade', 'OutcomeRecorded'],
    (logged) => {
      if (logged.eventType === 'OutcomeRecorded') {
        outcomes.set(logged.event.encounter_id, logged.event.readmitted);
        return;
      }
      const prediction = logged.event;
      for (const backfill of predictions.values())
        if (
          prediction.envelope.eventId ===
          backfillPredictionId(backfill.backfillId, prediction.encounter_id)
        )
          add(backfill, prediction);
    },
    { purpose: 'backfill-compare', timeoutMs: 600_000 },
  );
  return { predictions, outcomes };
}

function add(backfill: BackfillPredictions, prediction: PredictionMade): void {
  if (backfill.scores.has(prediction.encounter_id)) {
    backfill.repeats += 1;
    return;
  }
  backfill.scores.set(prediction.encounter_id, prediction.score);
  backfill.threshold ??= prediction.threshold;
  backfill.versions.add(prediction.modelVersion);
}
