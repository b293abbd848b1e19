import type { DenseMatrix } from './dense-matrix';

/**
 * The non-zero cells of a matrix, row by row (compressed sparse rows). One-hot feature blocks
 * leave most cells zero, so loops over these touch a fraction of the dense cells.
 */
export interface SparseRows {
  readonly rows: number;
  readonly columns: number;
  /** Row r's cells are at [rowStart[r], rowStart[r + 1]). */
  readonly rowStart: Int32Array;
  readonly columnOf: Int32Array;
  readonly valueOf: Float32Array;
}

export function toSparseRows(matrix: DenseMatrix): SparseRows {
  const { rows, columns, values } = matrix;
  let nonZero = 0;
  for (let index = 0; index < values.length; index++) if (values[index] !== 0) nonZero += 1;
  const rowStart = new Int32Array(rows + 1);
  const columnOf = new Int32Array(nonZero);
  const valueOf = new Float32Array(nonZero);
  let cell = 0;
  for (let row = 0, offset = 0; row < rows; row++, offset += columns) {
    rowStart[row] = cell;
    for (let column = 0; column < columns; column++) {
      const value = values[offset + column];
      if (value !== 0) {
        columnOf[cell] = column;
        valueOf[cell] = value;
        cell += 1;
      }
    }
  }
  rowStart[rows] = cell;
  return { rows, columns, rowStart, columnOf, valueOf };
}
