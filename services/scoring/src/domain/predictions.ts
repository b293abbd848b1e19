import type { EncounterRecorded, Envelope, PredictionMade } from '@readmit/contracts';
import type { EncounterInput } from '@readmit/ml';

/** The model attributes a prediction names. */
export interface PredictingModel {
  readonly modelName: string;
  readonly version: string;
  readonly threshold: number;
}

/** Where the encounter was read: a prediction points back at it. */
export interface PredictionSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** The model's inputs of an encounter event (the event minus its envelope and provenance). */
export function encounterInputOf(event: EncounterRecorded): EncounterInput {
  const { envelope: _envelope, recordedAt: _recordedAt, source: _source, ...input } = event;
  return input;
}

/** A PredictionMade for one scored encounter; the label is the score against the model's threshold. */
export function predictionOf(
  envelope: Envelope,
  encounterId: number,
  score: number,
  model: PredictingModel,
  source: PredictionSource,
  latencyMs: number,
  contributions: PredictionMade['contributions'] = null,
): PredictionMade {
  return {
    envelope,
    encounter_id: encounterId,
    score,
    label: score >= model.threshold,
    threshold: model.threshold,
    modelName: model.modelName,
    modelVersion: model.version,
    sourceTopic: source.topic,
    sourcePartition: source.partition,
    sourceOffset: source.offset,
    latencyMs,
    contributions,
  };
}
