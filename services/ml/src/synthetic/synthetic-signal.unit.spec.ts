// The synthetic stream is only useful for training if what a model learns from it holds on real
// encounters: train on synthetic data, evaluate on the real UCI sample.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { ReadmissionClass } from '@readmit/contracts';
import { sharedDataFile } from '../../../../test/support/endpoints';
import type { EncounterInput } from '../features/encounter-features';
import { parseEncounterRow, parseEncounterValues } from '../features/encounter-row';
import { FeatureEncoder, fitFeatureSpec } from '../features/feature-spec';
import { targetLabels, type ReadmissionTarget } from '../features/target';
import { predictProbability, trainLogisticRegression } from '../linear/logistic-regression';
import { rocAuc } from '../metrics/ranking';
import type { EncounterProfile } from './encounter-profile';
import { SyntheticEncounters } from './synthetic-encounters';
import committedProfile from './uci-sample-profile.json';
import { testPseudonymize } from '../../../../test/support/pseudonyms';

interface Labelled {
  readonly encounters: EncounterInput[];
  readonly outcomes: ReadmissionClass[];
}

function labelled(results: ReturnType<typeof parseEncounterValues>[]): Labelled {
  const encounters: EncounterInput[] = [];
  const outcomes: ReadmissionClass[] = [];
  for (const result of results) {
    if (!result.ok || result.outcome === null) throw new Error('expected labelled, valid rows');
    encounters.push(result.encounter);
    outcomes.push(result.outcome);
  }
  return { encounters, outcomes };
}

const real = labelled(
  (
    parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
      columns: true,
      skip_empty_lines: true,
    }) as Array<Record<string, string>>
  ).map((row) => parseEncounterRow(row, testPseudonymize)),
);

function synthetic(count: number, seed: number): Labelled {
  const generator = new SyntheticEncounters(committedProfile as EncounterProfile, seed);
  return labelled(
    Array.from({ length: count }, () =>
      parseEncounterValues(generator.nextValues(), testPseudonymize),
    ),
  );
}

function realAuc(training: Labelled, target: ReadmissionTarget): number {
  const encoder = new FeatureEncoder(fitFeatureSpec(training.encounters));
  const model = trainLogisticRegression(
    encoder.encodeAll(training.encounters),
    targetLabels(training.outcomes, target),
    { l2: 10 },
  );
  return rocAuc(
    targetLabels(real.outcomes, target),
    predictProbability(model, encoder.encodeAll(real.encounters)),
  );
}

describe('a model trained on synthetic encounters', () => {
  const training = synthetic(10_000, 3);

  it('ranks real readmissions (any) well above chance', () => {
    expect(realAuc(training, 'any')).toBeGreaterThan(0.62);
  });

  it('ranks real 30-day readmissions above chance', () => {
    expect(realAuc(training, 'within-30-days')).toBeGreaterThan(0.57);
  });

  it('learns nothing from synthetic encounters whose labels are shuffled (the test can fail)', () => {
    const shuffled = { ...training, outcomes: [...training.outcomes].reverse() };
    const auc = realAuc(shuffled, 'any');
    expect(auc).toBeGreaterThan(0.4);
    expect(auc).toBeLessThan(0.56);
  });
});
