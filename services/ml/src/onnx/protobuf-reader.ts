/** A field of a protobuf message as read: varints as numbers, length-delimited ones as bytes. */
export type ProtobufField =
  | { readonly field: number; readonly wireType: 0; readonly value: number }
  | { readonly field: number; readonly wireType: 2; readonly bytes: Uint8Array }
  | { readonly field: number; readonly wireType: 1 | 5 };

/**
 * Walks the top-level fields of a protobuf message (enough to read ONNX metadata back without a
 * schema). Varints above 2^53 lose precision; nothing we read is that large.
 */
export function* protobufFields(bytes: Uint8Array): Generator<ProtobufField> {
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (offset >= bytes.length) throw new Error('protobuf: truncated varint');
      const byte = bytes[offset++];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === 0) {
      yield { field, wireType, value: varint() };
    } else if (wireType === 2) {
      const length = varint();
      if (offset + length > bytes.length) throw new Error('protobuf: truncated field');
      yield { field, wireType, bytes: bytes.subarray(offset, offset + length) };
      offset += length;
    } else if (wireType === 1 || wireType === 5) {
      offset += wireType === 1 ? 8 : 4;
      yield { field, wireType };
    } else {
      throw new Error(`protobuf: unsupported wire type ${wireType}`);
    }
  }
}

const text = new TextDecoder();

/** The metadata_props of an ONNX model (ModelProto field 14: key 1, value 2). */
export function readOnnxMetadata(model: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const entry of protobufFields(model)) {
    if (entry.field !== 14 || entry.wireType !== 2) continue;
    let key = '';
    let value = '';
    for (const part of protobufFields(entry.bytes)) {
      if (part.wireType !== 2) continue;
      if (part.field === 1) key = text.decode(part.bytes);
      if (part.field === 2) value = text.decode(part.bytes);
    }
    metadata[key] = value;
  }
  return metadata;
}
