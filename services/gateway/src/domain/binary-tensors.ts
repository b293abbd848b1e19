/**
 * The Open Inference Protocol's binary tensor data extension (Triton's `binary_tensor_data`): a
 * request or response body is a JSON header of `Inference-Header-Content-Length` bytes followed
 * by the tensors' raw data, each tensor's slice as long as its `parameters.binary_data_size`, in
 * the order of the tensors in the header. Fixed-size elements are little-endian, row-major; a
 * BYTES element is its length as a 4-byte little-endian unsigned integer, then its bytes. Pure:
 * bytes in, elements out, and back.
 */

/** A tensor element as the codec reads it: null is a missing value (NaN in a float tensor). */
export type TensorElement = string | number | boolean | null;

interface FixedSize {
  readonly bytes: number;
  readonly read: (view: DataView, offset: number) => TensorElement;
}

/** A float NaN is how pandas and numpy write a missing number: read as missing. */
const finiteOrMissing = (value: number): number | null => (Number.isNaN(value) ? null : value);

const FIXED_SIZE: Readonly<Record<string, FixedSize>> = {
  BOOL: { bytes: 1, read: (view, at) => view.getUint8(at) !== 0 },
  INT8: { bytes: 1, read: (view, at) => view.getInt8(at) },
  UINT8: { bytes: 1, read: (view, at) => view.getUint8(at) },
  INT16: { bytes: 2, read: (view, at) => view.getInt16(at, true) },
  UINT16: { bytes: 2, read: (view, at) => view.getUint16(at, true) },
  INT32: { bytes: 4, read: (view, at) => view.getInt32(at, true) },
  UINT32: { bytes: 4, read: (view, at) => view.getUint32(at, true) },
  // Identifiers have at most 15 digits, well inside a double's exact integers.
  INT64: { bytes: 8, read: (view, at) => Number(view.getBigInt64(at, true)) },
  UINT64: { bytes: 8, read: (view, at) => Number(view.getBigUint64(at, true)) },
  FP32: { bytes: 4, read: (view, at) => finiteOrMissing(view.getFloat32(at, true)) },
  FP64: { bytes: 8, read: (view, at) => finiteOrMissing(view.getFloat64(at, true)) },
};

/** The datatypes whose binary data this codec reads (FP16 and BF16 are not among them). */
export const BINARY_DATATYPES: readonly string[] = [...Object.keys(FIXED_SIZE), 'BYTES'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The `count` elements of a tensor's binary data; a string saying what is wrong when the bytes
 * do not hold exactly that many elements of `datatype`. Never quotes the data.
 */
export function decodeBinaryTensor(
  datatype: string,
  bytes: Uint8Array,
  count: number,
): TensorElement[] | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (datatype === 'BYTES') return decodeBytesElements(view, bytes, count);
  const fixed = FIXED_SIZE[datatype];
  if (!fixed)
    return `binary data of ${datatype} is not supported (send ${BINARY_DATATYPES.join(', ')})`;
  if (bytes.byteLength !== count * fixed.bytes)
    return `binary_data_size is ${bytes.byteLength} bytes, but ${count} ${datatype} elements take ${count * fixed.bytes}`;
  const elements: TensorElement[] = new Array<TensorElement>(count);
  for (let index = 0; index < count; index++)
    elements[index] = fixed.read(view, index * fixed.bytes);
  return elements;
}

function decodeBytesElements(
  view: DataView,
  bytes: Uint8Array,
  count: number,
): TensorElement[] | string {
  const elements: TensorElement[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength) return 'a BYTES element is cut short before its length';
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength) return 'a BYTES element is longer than the data left';
    try {
      elements.push(utf8.decode(bytes.subarray(offset, offset + length)));
    } catch {
      return `BYTES element ${elements.length} is not UTF-8 text`;
    }
    offset += length;
  }
  if (elements.length !== count)
    return `the binary data holds ${elements.length} BYTES elements, the shape ${count}`;
  return elements;
}

/** A FP32 output's binary data. */
export function encodeFp32(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return bytes;
}

/** A BOOL output's binary data: one byte per element. */
export function encodeBool(values: readonly boolean[]): Uint8Array {
  return Uint8Array.from(values, (value) => (value ? 1 : 0));
}

/** Test and client side of the extension: a BYTES tensor's binary data. */
export function encodeBytesElements(values: readonly string[]): Uint8Array {
  const encoded = values.map((value) => new TextEncoder().encode(value));
  const bytes = new Uint8Array(encoded.reduce((total, one) => total + 4 + one.byteLength, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const one of encoded) {
    view.setUint32(offset, one.byteLength, true);
    bytes.set(one, offset + 4);
    offset += 4 + one.byteLength;
  }
  return bytes;
}
