import { denseMatrixFromRows } from './dense-matrix';
import { toSparseRows } from './sparse-rows';

describe('toSparseRows', () => {
  it('keeps exactly the non-zero cells of each row, in column order', () => {
    const sparse = toSparseRows(
      denseMatrixFromRows([
        [0, 1.5, 0, -2],
        [0, 0, 0, 0],
        [3, 0, 0, 0],
      ]),
    );
    expect([...sparse.rowStart]).toEqual([0, 2, 2, 3]);
    expect([...sparse.columnOf]).toEqual([1, 3, 0]);
    expect([...sparse.valueOf]).toEqual([1.5, -2, 3]);
    expect(sparse).toMatchObject({ rows: 3, columns: 4 });
  });
});
