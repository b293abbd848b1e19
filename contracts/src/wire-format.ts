/**
 * The Confluent wire format: a zero magic byte, the writer schema's id as a 4-byte big-endian
 * integer, then the Avro binary payload.
 */
export const MAGIC_BYTE = 0;
/** Magic byte and schema id, before the Avro payload. */
export const WIRE_FORMAT_HEADER_LENGTH = 5;
const HEADER_LENGTH = WIRE_FORMAT_HEADER_LENGTH;

export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

export function encodeWireFormat(schemaId: number, payload: Buffer): Buffer {
  const message = Buffer.allocUnsafe(HEADER_LENGTH + payload.length);
  message.writeUInt8(MAGIC_BYTE, 0);
  message.writeInt32BE(schemaId, 1);
  payload.copy(message, HEADER_LENGTH);
  return message;
}

export function decodeWireFormat(message: Buffer | null): { schemaId: number; payload: Buffer } {
  if (!message || message.length < HEADER_LENGTH) {
    throw new WireFormatError(
      `message of ${message?.length ?? 0} bytes is too short for the Confluent wire format`,
    );
  }
  if (message.readUInt8(0) !== MAGIC_BYTE) {
    throw new WireFormatError(
      `unknown magic byte ${message.readUInt8(0)}: not a Confluent wire-format message`,
    );
  }
  return { schemaId: message.readInt32BE(1), payload: message.subarray(HEADER_LENGTH) };
}
