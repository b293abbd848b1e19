/**
 * Just enough of the protobuf wire format to write ONNX models: varints, 32-bit floats,
 * length-delimited fields and packed repeated numbers. Messages are built inside-out: a nested
 * message is written to its own writer first, then embedded as bytes.
 */
export class ProtobufWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(64);
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** An unsigned or signed 64-bit integer as a varint (negative numbers take ten bytes). */
  private varint(value: number | bigint): void {
    let remaining = BigInt.asUintN(64, BigInt(value));
    let size = 0;
    do {
      let byte = Number(remaining & 0x7fn);
      remaining >>= 7n;
      if (remaining !== 0n) byte |= 0x80;
      this.scratch[size++] = byte;
    } while (remaining !== 0n);
    this.push(this.scratch.slice(0, size));
  }

  private tag(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtobufWriter) => void): this {
    const nested = new ProtobufWriter();
    build(nested);
    return this.bytes(field, nested.finish());
  }

  packedInts(field: number, values: ArrayLike<number>): this {
    const nested = new ProtobufWriter();
    for (let index = 0; index < values.length; index++) nested.varint(values[index]);
    return this.bytes(field, nested.finish());
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let index = 0; index < values.length; index++)
      view.setFloat32(index * 4, values[index], true);
    return this.bytes(field, bytes);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
