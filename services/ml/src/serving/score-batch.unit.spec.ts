import { EXAMPLE_EVENTS } from '@readmit/contracts';
import type { EncounterInput } from '../features/encounter-features';
import type { DenseMatrix } from '../matrix/dense-matrix';
import { predictedLabel } from './prediction';
import { scoreBatchThenRows, type RowScoringModel } from './score-batch';

/** Encounter `id`, named by an id its test model can read back (a stand-in for a pseudonym). */
const encounter = (id: number): EncounterInput => ({
  ...EXAMPLE_EVENTS.EncounterRecorded,
  encounter_id: String(id),
});

/**
 * A model whose one feature is the encounter id and whose score is id / 10; it refuses any run
 * holding an id listed in `refuses`, as onnxruntime refuses a whole run for one bad row.
 */
function modelRefusing(...refuses: number[]): RowScoringModel & { runs: number[] } {
  const runs: number[] = [];
  return {
    runs,
    encoder: {
      encodeAll: (inputs: readonly EncounterInput[]): DenseMatrix => ({
        rows: inputs.length,
        columns: 1,
        values: Float32Array.from(inputs, (input) => Number(input.encounter_id)),
      }),
    },
    scorer: {
      score: async (rows: DenseMatrix) => {
        runs.push(rows.rows);
        const bad = [...rows.values].find((id) => refuses.includes(id));
        if (bad !== undefined) throw new Error(`encounter ${bad} cannot be scored`);
        return Float32Array.from(rows.values, (id) => id / 10);
      },
    },
  };
}

describe('scoreBatchThenRows', () => {
  it('scores a batch the model accepts in one run', async () => {
    const model = modelRefusing();
    const refusals: Error[] = [];
    const scored = await scoreBatchThenRows(model, [1, 2, 3].map(encounter), (error) =>
      refusals.push(error),
    );
    expect([...scored.scores]).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    expect(scored.refused).toEqual([]);
    expect(model.runs).toEqual([3]);
    expect(refusals).toEqual([]);
  });

  it('scores row by row when the batch is refused, refusing only the rows the model refuses', async () => {
    const model = modelRefusing(2);
    const refusals: Error[] = [];
    const scored = await scoreBatchThenRows(model, [1, 2, 3].map(encounter), (error) =>
      refusals.push(error),
    );
    expect(scored.scores[0]).toBeCloseTo(0.1);
    expect(scored.scores[2]).toBeCloseTo(0.3);
    expect(scored.refused).toEqual([{ index: 1, reason: 'encounter 2 cannot be scored' }]);
    expect(model.runs).toEqual([3, 1, 1, 1]);
    expect(refusals.map((error) => error.message)).toEqual(['encounter 2 cannot be scored']);
  });

  it('runs no model for no inputs', async () => {
    const model = modelRefusing();
    const scored = await scoreBatchThenRows(model, []);
    expect(scored.scores).toHaveLength(0);
    expect(model.runs).toEqual([]);
  });
});

describe('predictedLabel', () => {
  it('predicts readmission from the threshold up', () => {
    expect(predictedLabel(0.5, 0.5)).toBe(true);
    expect(predictedLabel(0.49, 0.5)).toBe(false);
  });
});
