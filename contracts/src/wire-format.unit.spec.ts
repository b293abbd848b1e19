import { decodeWireFormat, encodeWireFormat, WireFormatError } from './wire-format';

describe('Confluent wire format', () => {
  it('writes magic byte 0 and the schema id big-endian before the payload, and reads them back', () => {
    const message = encodeWireFormat(258, Buffer.from([7, 8, 9]));
    expect([...message]).toEqual([0, 0, 0, 1, 2, 7, 8, 9]);
    const { schemaId, payload } = decodeWireFormat(message);
    expect(schemaId).toBe(258);
    expect([...payload]).toEqual([7, 8, 9]);
  });

  it.each([
    ['a null value (tombstone)', null, /too short/],
    ['four bytes', Buffer.from([0, 0, 0, 1]), /too short/],
    ['plain JSON', Buffer.from('{"encounter_id":1}'), /unknown magic byte 123/],
  ])('refuses %s', (_label, message, error) => {
    expect(() => decodeWireFormat(message)).toThrow(WireFormatError);
    expect(() => decodeWireFormat(message)).toThrow(error);
  });
});
