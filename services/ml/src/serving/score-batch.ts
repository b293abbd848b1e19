import type { EncounterInput } from '../features/encounter-features';
import type { DenseMatrix } from '../matrix/dense-matrix';

/** What scoring needs of a served model: its feature encoder and a session that scores rows. */
export interface RowScoringModel {
  readonly encoder: { encodeAll(inputs: readonly EncounterInput[]): DenseMatrix };
  readonly scorer: { score(rows: DenseMatrix): Promise<Float32Array> };
}

/** An input the model could not score: its position among the inputs and the model's reason. */
export interface RefusedInput {
  readonly index: number;
  readonly reason: string;
}

export interface BatchScores {
  /** One score per input, in order; a refused input's place holds 0. */
  readonly scores: Float32Array;
  readonly refused: readonly RefusedInput[];
}

/**
 * Scores the inputs in one model run; if the model refuses the batch, row by row, so that one
 * input the model cannot score is refused alone and the others are not held back.
 * `onBatchRefused` hears why the whole batch was refused before the rows are tried.
 */
export async function scoreBatchThenRows(
  model: RowScoringModel,
  inputs: readonly EncounterInput[],
  onBatchRefused: (error: Error) => void = () => undefined,
): Promise<BatchScores> {
  if (inputs.length === 0) return { scores: new Float32Array(0), refused: [] };
  try {
    return { scores: await model.scorer.score(model.encoder.encodeAll(inputs)), refused: [] };
  } catch (error) {
    onBatchRefused(error as Error);
    const scores = new Float32Array(inputs.length);
    const refused: RefusedInput[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        scores[index] = (await model.scorer.score(model.encoder.encodeAll([input])))[0];
      } catch (rowError) {
        refused.push({ index, reason: (rowError as Error).message });
      }
    }
    return { scores, refused };
  }
}
