import type { Envelope, PredictionMade } from '@readmit/contracts';
import {
  encounterInputOf,
  predictionOf,
  scoreBatchThenRows,
  type PredictingModel,
  type RowScoringModel,
} from '@readmit/ml';
import { newEnvelope } from '@readmit/platform/kafka';
import { backfillPredictionId } from '../domain/backfill-event-id';
import type { EncounterAt } from '../infrastructure/encounter-chunk';

/** What scoring a chunk needs of the model: the rows it scores and the names it predicts with. */
export type ChunkScoringModel = RowScoringModel & PredictingModel;

/** Who a chunk's predictions belong to, and where its encounters were read. */
export interface ChunkOrigin {
  readonly backfillId: string;
  /** Names the service in the predictions' envelopes. */
  readonly producer: string;
  /** The backfill's request: the predictions' cause. */
  readonly causedBy: Envelope;
  readonly topic: string;
  readonly partition: number;
}

export interface ScoredChunk {
  readonly predictions: PredictionMade[];
  /** Encounters the model could not score: they get no prediction. */
  readonly refused: number;
  /** From `startedAt` to the scores: each prediction's latency. */
  readonly latencyMs: number;
}

/**
 * Scores a chunk's encounters in one model run (row by row if the model refuses the batch, so
 * one encounter it cannot score does not hold the others back) and makes a prediction for each
 * encounter it scored. `startedAt` (performance.now()) is when the chunk's work began, so its
 * latency counts the decoding too.
 */
export async function scoreChunk(
  model: ChunkScoringModel,
  encounters: readonly EncounterAt[],
  origin: ChunkOrigin,
  startedAt: number,
  onBatchRefused: (error: Error) => void,
): Promise<ScoredChunk> {
  const { scores, refused } = await scoreBatchThenRows(
    model,
    encounters.map(({ event }) => encounterInputOf(event)),
    onBatchRefused,
  );
  const latencyMs = performance.now() - startedAt;
  const refusedAt = new Set(refused.map(({ index }) => index));
  // One envelope for the chunk; each prediction gets its own event id, the same on every run.
  const envelope = newEnvelope('PredictionMade', {
    producer: origin.producer,
    causedBy: origin.causedBy,
  });
  const predictions: PredictionMade[] = [];
  encounters.forEach(({ event, offset }, index) => {
    if (refusedAt.has(index)) return;
    predictions.push(
      predictionOf(
        { ...envelope, eventId: backfillPredictionId(origin.backfillId, event.encounter_id) },
        event,
        scores[index],
        model,
        { topic: origin.topic, partition: origin.partition, offset },
        latencyMs,
      ),
    );
  });
  return { predictions, refused: refusedAt.size, latencyMs };
}
