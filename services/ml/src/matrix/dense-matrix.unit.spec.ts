import { assertDenseMatrix, createDenseMatrix, denseMatrixFromRows } from './dense-matrix';

describe('dense matrices', () => {
  it('lays rows out one after another', () => {
    const matrix = denseMatrixFromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(matrix.rows).toBe(2);
    expect(matrix.columns).toBe(3);
    expect([...matrix.values]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(matrix.values[1 * 3 + 2]).toBe(6);
  });

  it('starts at zeros when no values are given', () => {
    expect([...createDenseMatrix(2, 2).values]).toEqual([0, 0, 0, 0]);
  });

  it('refuses a shape that does not match the values', () => {
    expect(() => createDenseMatrix(2, 3, new Float32Array(5))).toThrow(/needs 6 values, got 5/);
    expect(() => assertDenseMatrix({ rows: 1.5, columns: 2, values: new Float32Array(3) })).toThrow(
      /integer sizes/,
    );
    expect(() => denseMatrixFromRows([[1, 2], [3]])).toThrow(/Row 1 has 1 values, expected 2/);
  });
});
