// The model and the encounters the benches score: synthetic rows from the generator fitted to
// the UCI sample, and a model trained on them as the trainer trains one.
import {
  candidatesFor,
  parseEncounterValues,
  SyntheticEncounters,
  UCI_SAMPLE_PROFILE,
} from '@readmit/ml';
import { trainModels } from '../../services/trainer/src/application/train-models';
import { testPseudonymize } from '../../test/support/pseudonyms';

/** `count` synthetic encounters parsed as ingest parses them (the few invalid ones dropped). */
export function syntheticEncounters(count: number, seed: number) {
  const generator = new SyntheticEncounters(UCI_SAMPLE_PROFILE, seed);
  return Array.from({ length: count }, () =>
    parseEncounterValues(generator.nextValues(), testPseudonymize),
  ).flatMap((result) => (result.ok ? [result] : []));
}

/**
 * A model as the trainer makes it (the first candidate of the algorithm's sweep: for GBDT 257
 * trees), trained on 20,000 synthetic encounters with their outcomes, named `modelName`/bench.
 */
export function trainBenchModel(algorithm = 'gbdt', modelName = 'readmission') {
  const rows = syntheticEncounters(20_000, 3).flatMap((row) =>
    row.outcome ? [{ encounter: row.encounter, outcome: row.outcome }] : [],
  );
  return trainModels({
    modelName,
    modelVersion: 'bench',
    target: 'within-30-days',
    rows,
    candidates: candidatesFor([algorithm]).slice(0, 1),
    seed: 1,
    trainedAt: Date.now(),
    producerVersion: 'bench',
  });
}
