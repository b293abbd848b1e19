import { ProtobufWriter } from './protobuf-writer';

const bytes = (build: (writer: ProtobufWriter) => void) => {
  const writer = new ProtobufWriter();
  build(writer);
  return [...writer.finish()];
};

describe('ProtobufWriter (the protobuf wire format, as protoc writes it)', () => {
  it('writes varint fields, including 64-bit negatives in ten bytes', () => {
    expect(bytes((w) => w.int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes((w) => w.int(1, 0))).toEqual([0x08, 0x00]);
    expect(bytes((w) => w.int(1, -1))).toEqual([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect(bytes((w) => w.int(20, 2))).toEqual([0xa0, 0x01, 0x02]);
  });

  it('writes strings, floats, packed numbers and nested messages', () => {
    expect(bytes((w) => w.string(2, 'hi'))).toEqual([0x12, 0x02, 0x68, 0x69]);
    expect(bytes((w) => w.float(3, 1))).toEqual([0x1d, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes((w) => w.packedInts(4, [1, 300]))).toEqual([0x22, 0x03, 0x01, 0xac, 0x02]);
    expect(bytes((w) => w.packedFloats(5, [1]))).toEqual([0x2a, 0x04, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes((w) => w.message(7, (inner) => inner.int(1, 150)))).toEqual([
      0x3a, 0x03, 0x08, 0x96, 0x01,
    ]);
  });
});
