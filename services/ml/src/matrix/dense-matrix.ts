/**
 * A row-major matrix of float32 features, the shape the feature pipeline produces. Float32 halves
 * the memory of wide training sets; models accumulate in float64 so precision is not lost.
 */
export interface DenseMatrix {
  readonly rows: number;
  readonly columns: number;
  /** Row r, column c lives at values[r * columns + c]. */
  readonly values: Float32Array;
}

/** A matrix over the given values (or zeros), checked so that indexing can never run off the end. */
export function createDenseMatrix(
  rows: number,
  columns: number,
  values?: Float32Array,
): DenseMatrix {
  const matrix = { rows, columns, values: values ?? new Float32Array(rows * columns) };
  assertDenseMatrix(matrix);
  return matrix;
}

/** A matrix from equal-length rows; convenient for tests and small inputs. */
export function denseMatrixFromRows(rows: readonly ArrayLike<number>[]): DenseMatrix {
  const columns = rows.length === 0 ? 0 : rows[0].length;
  const values = new Float32Array(rows.length * columns);
  rows.forEach((row, index) => {
    if (row.length !== columns) {
      throw new Error(`Row ${index} has ${row.length} values, expected ${columns}`);
    }
    for (let column = 0; column < columns; column++) values[index * columns + column] = row[column];
  });
  return { rows: rows.length, columns, values };
}

/** Throws unless the declared shape matches the values, which the tight loops rely on. */
export function assertDenseMatrix(matrix: DenseMatrix): void {
  const { rows, columns, values } = matrix;
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(columns) || columns < 0) {
    throw new Error(`A dense matrix needs non-negative integer sizes, got ${rows} × ${columns}`);
  }
  if (values.length !== rows * columns) {
    throw new Error(
      `A ${rows} × ${columns} dense matrix needs ${rows * columns} values, got ${values.length}`,
    );
  }
}
