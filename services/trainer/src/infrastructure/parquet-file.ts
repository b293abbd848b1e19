import type { TableColumn } from '../application/dataset-tables';

/**
 * A table as a Parquet file (hyparquet-writer, snappy-compressed), with key-value metadata in
 * its footer. hyparquet-writer is an ES module: loaded with import(), which Node 22 serves to
 * CommonJS code.
 */
export async function parquetBytes(
  columns: readonly TableColumn[],
  metadata: Readonly<Record<string, string>>,
): Promise<Uint8Array> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const buffer = parquetWriteBuffer({
    columnData: columns.map((column) => ({
      name: column.name,
      // hyparquet-writer's DecodedArray: plain arrays or typed arrays, not read-only ones.
      data: column.data as unknown as Float32Array,
      type: column.type,
    })),
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: 'readmit',
  });
  return new Uint8Array(buffer);
}
