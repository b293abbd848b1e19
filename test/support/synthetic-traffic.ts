import {
  EXAMPLE_EVENTS,
  type EncounterRecorded,
  type OutcomeRecorded,
  type PredictionMade,
  type ReadmissionClass,
} from '@readmit/contracts';
import {
  brierScore,
  buildModelArtifact,
  FeatureEncoder,
  fitFeatureSpec,
  fitReferenceProfile,
  logisticRegressionToJson,
  logisticRegressionToOnnx,
  parseEncounterValues,
  predictOne,
  rocAuc,
  SyntheticEncounters,
  targetLabels,
  trainLogisticRegression,
  UCI_SAMPLE_PROFILE,
  type DriftSpec,
  type EncounterInput,
  type HoldoutMetrics,
  type ReadmissionTarget,
} from '@readmit/ml';
import { newEnvelope } from '@readmit/platform/kafka';
import { testPseudonymize } from './pseudonyms';

/** A synthetic encounter with the outcome it will have. */
export interface LabelledEncounter {
  readonly encounter: EncounterInput;
  readonly outcome: ReadmissionClass;
}

/**
 * Encounters from the ingest service's synthetic generator (fitted on the UCI sample), parsed as
 * ingest parses them (identifiers pseudonymised under the test key), with drift from `drift.from`
 * on. Each seed numbers its own encounters.
 */
export function syntheticLabelled(count: number, seed: number, drift?: DriftSpec) {
  const generator = new SyntheticEncounters(UCI_SAMPLE_PROFILE, seed, drift);
  const rows: LabelledEncounter[] = [];
  while (rows.length < count) {
    const parsed = parseEncounterValues(generator.nextValues(), testPseudonymize);
    if (parsed.ok && parsed.outcome)
      rows.push({ encounter: parsed.encounter, outcome: parsed.outcome });
  }
  return rows;
}

/** A model fitted on synthetic encounters, its artifact, and the same scores in plain JS. */
export interface SyntheticModel {
  readonly artifact: Uint8Array;
  readonly target: ReadmissionTarget;
  readonly threshold: number;
  /** What its TrainingCompleted reports as holdout metrics. */
  readonly holdout: HoldoutMetrics;
  readonly score: (encounter: EncounterInput) => number;
}

/**
 * A logistic regression on 70% of `rows` synthetic encounters, judged on the other 30%: its
 * artifact carries the reference profile of its training rows and its holdout scores, as the
 * trainer's do, so live synthetic traffic of another seed looks like its own data. Takes about
 * a second for 6,000 rows.
 */
export function syntheticModel(
  modelName: string,
  version: string,
  options: {
    readonly rows?: number;
    readonly seed?: number;
    readonly target?: ReadmissionTarget;
  } = {},
): SyntheticModel {
  const target = options.target ?? 'any';
  const rows = syntheticLabelled(options.rows ?? 6_000, options.seed ?? 3);
  const cut = Math.floor(rows.length * 0.7);
  const training = rows.slice(0, cut);
  const holdout = rows.slice(cut);
  const featureSpec = fitFeatureSpec(training.map((row) => row.encounter));
  const encoder = new FeatureEncoder(featureSpec);
  const model = trainLogisticRegression(
    encoder.encodeAll(training.map((row) => row.encounter)),
    targetLabels(
      training.map((row) => row.outcome),
      target,
    ),
    { l2: 10 },
  );
  const score = (encounter: EncounterInput) => predictOne(model, encoder.encode(encounter));
  const holdoutScores = Float64Array.from(holdout, (row) => score(row.encounter));
  const holdoutLabels = targetLabels(
    holdout.map((row) => row.outcome),
    target,
  );
  const threshold = 0.5;
  const artifact = buildModelArtifact(
    logisticRegressionToOnnx(model, { producerVersion: 'test', metadata: {} }),
    {
      info: {
        name: modelName,
        version,
        algorithm: 'logistic-regression',
        target,
        threshold,
        params: { l2: '10' },
        trainedAt: Date.now(),
      },
      featureSpec,
      referenceProfile: fitReferenceProfile(
        training.map((row) => row.encounter),
        holdoutScores,
      ),
      model: { algorithm: 'logistic-regression', json: logisticRegressionToJson(model) },
    },
  );
  return {
    artifact,
    target,
    threshold,
    holdout: {
      rocAuc: rocAuc(holdoutLabels, holdoutScores),
      brier: brierScore(holdoutLabels, holdoutScores),
    },
    score,
  };
}

const { envelope: _envelope, ...encounterDefaults } = EXAMPLE_EVENTS.EncounterRecorded;

export function encounterEvent(encounter: EncounterInput, occurredAt?: number): EncounterRecorded {
  return {
    ...encounterDefaults,
    ...encounter,
    envelope: newEnvelope('EncounterRecorded', { producer: 'test', occurredAt }),
  };
}

export function predictionEvent(
  encounterId: string,
  score: number,
  model: { readonly modelName: string; readonly modelVersion: string; readonly threshold?: number },
  occurredAt?: number,
): PredictionMade {
  const threshold = model.threshold ?? 0.5;
  return {
    ...EXAMPLE_EVENTS.PredictionMade,
    envelope: newEnvelope('PredictionMade', { producer: 'test', occurredAt }),
    encounter_id: encounterId,
    score,
    label: score >= threshold,
    threshold,
    modelName: model.modelName,
    modelVersion: model.modelVersion,
    contributions: null,
  };
}

export function outcomeEvent(
  encounter: Pick<EncounterInput, 'encounter_id' | 'patient_nbr'>,
  readmitted: ReadmissionClass,
  occurredAt?: number,
): OutcomeRecorded {
  return {
    envelope: newEnvelope('OutcomeRecorded', { producer: 'test', occurredAt }),
    encounter_id: encounter.encounter_id,
    patient_nbr: encounter.patient_nbr,
    readmitted,
    recordedAt: occurredAt ?? Date.now(),
    derivation: 'REPORTED',
  };
}
