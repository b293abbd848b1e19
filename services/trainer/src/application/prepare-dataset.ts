import { createHash } from 'node:crypto';
import {
  FeatureEncoder,
  fitFeatureSpec,
  targetLabels,
  type DenseMatrix,
  type FeatureSpec,
  type ReadmissionTarget,
} from '@readmit/ml';
import {
  splitByPatient,
  type LabelledEncounter,
  type Split,
  type SplitFractions,
} from '../domain/training-set';

/** The trainer's split seed: exports and imports judge on the split its runs use. */
export const TRAINER_SEED = 1;

/** The trainer's split unless a run says otherwise: 70 / 15 / 15 by patient. */
export const DEFAULT_FRACTIONS: SplitFractions = { validation: 0.15, holdout: 0.15 };

/** One side of the split, encoded: the feature matrix and the 0/1 target. */
export interface EncodedSide {
  readonly data: DenseMatrix;
  readonly labels: Uint8Array;
}

/** A training set as every model is trained and judged on it. */
export interface PreparedDataset {
  readonly split: Split<LabelledEncounter>;
  /** Fitted on the training side only, so validation and holdout stay unseen. */
  readonly featureSpec: FeatureSpec;
  readonly train: EncodedSide;
  readonly validation: EncodedSide;
  readonly holdout: EncodedSide;
  /** Digest of the holdout's encounter ids: two models with the same one were judged alike. */
  readonly holdoutId: string;
}

/**
 * Splits labelled encounters by patient, fits the feature spec on the training side and encodes
 * every side with it. The one place that decides what a training set is: the trainer's runs,
 * the dataset export and the judging of imported models all call it, so they agree row for row.
 */
export function prepareDataset(
  rows: readonly LabelledEncounter[],
  target: ReadmissionTarget,
  seed: number,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
  /** Checks the split before anything is fitted on it (a run refuses sides too small to use). */
  checkSplit: (split: Split<LabelledEncounter>) => void = () => undefined,
): PreparedDataset {
  const split = splitByPatient(rows, fractions, seed);
  checkSplit(split);
  const featureSpec = fitFeatureSpec(split.train.map((row) => row.encounter));
  const encoder = new FeatureEncoder(featureSpec);
  const encode = (side: readonly LabelledEncounter[]) => encodeSide(encoder, side, target);
  return {
    split,
    featureSpec,
    train: encode(split.train),
    validation: encode(split.validation),
    holdout: encode(split.holdout),
    holdoutId: holdoutIdOf(split.holdout),
  };
}

/** One side's feature matrix (by the encoder's spec) and its 0/1 target. */
export function encodeSide(
  encoder: FeatureEncoder,
  side: readonly LabelledEncounter[],
  target: ReadmissionTarget,
): EncodedSide {
  return {
    data: encoder.encodeAll(side.map((row) => row.encounter)),
    labels: targetLabels(
      side.map((row) => row.outcome),
      target,
    ),
  };
}

export function holdoutIdOf(holdout: readonly LabelledEncounter[]): string {
  return createHash('sha256')
    .update(
      holdout
        .map((row) => row.encounter.encounter_id)
        .sort()
        .join(','),
    )
    .digest('hex');
}
