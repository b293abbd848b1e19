import type { EncounterRecorded, Envelope, PredictionMade } from '@readmit/contracts';
import type { EncounterInput } from '../features/encounter-features';

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

/**
 * The model's inputs of an encounter event: the event itself, seen without its envelope and
 * provenance. The feature encoder reads input fields by name, so no copy is made (copying 50
 * fields per encounter was 4 µs of a backfill's ~50).
 */
export function encounterInputOf(event: EncounterRecorded): EncounterInput {
  return event;
}

/** The prediction rule: an encounter is predicted readmitted when its score reaches the threshold. */
export function predictedLabel(score: number, threshold: number): boolean {
  return score >= threshold;
}

/** The encounter a prediction is of: its pseudonyms (the patient's data key seals the score). */
export type PredictedEncounter = Pick<EncounterRecorded, 'encounter_id' | 'patient_nbr'>;

/** A PredictionMade for one scored encounter; the label is the score against the model's threshold. */
export function predictionOf(
  envelope: Envelope,
  encounter: PredictedEncounter,
  score: number,
  model: PredictingModel,
  source: PredictionSource,
  latencyMs: number,
  contributions: PredictionMade['contributions'] = null,
): PredictionMade {
  return {
    envelope,
    encounter_id: encounter.encounter_id,
    patient_nbr: encounter.patient_nbr,
    score,
    label: predictedLabel(score, model.threshold),
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
