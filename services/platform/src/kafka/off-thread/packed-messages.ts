import type { Message } from 'kafkajs';

/** A Kafka message ready to send: encoded value, its key, and the event type for the header. */
export interface PackableMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly eventType: string;
}

/**
 * Many messages in one ArrayBuffer, so a batch crosses to a worker thread by transfer (no copy,
 * no per-message structured clone). Per message: topic index (u8), event type index (u8), key
 * length (u16), value length (u32), then the key's UTF-8 bytes and the value's bytes.
 */
export interface PackedMessages {
  readonly buffer: ArrayBuffer;
  readonly topics: readonly string[];
  readonly eventTypes: readonly string[];
  readonly count: number;
}

const ENTRY_HEADER_BYTES = 8;

function indexIn(list: string[], indexes: Map<string, number>, value: string): number {
  let index = indexes.get(value);
  if (index === undefined) {
    index = list.push(value) - 1;
    if (index > 255) throw new RangeError('a packed batch holds at most 256 topics or event types');
    indexes.set(value, index);
  }
  return index;
}

export function packMessages(messages: readonly PackableMessage[]): PackedMessages {
  let size = 0;
  for (const message of messages) {
    const keyBytes = Buffer.byteLength(message.key);
    if (keyBytes > 0xffff) throw new RangeError('a message key is longer than 65,535 bytes');
    size += ENTRY_HEADER_BYTES + keyBytes + message.value.length;
  }
  const buffer = new ArrayBuffer(size);
  const bytes = Buffer.from(buffer);
  const view = new DataView(buffer);
  const topics: string[] = [];
  const eventTypes: string[] = [];
  const topicIndexes = new Map<string, number>();
  const eventTypeIndexes = new Map<string, number>();
  let offset = 0;
  for (const message of messages) {
    view.setUint8(offset, indexIn(topics, topicIndexes, message.topic));
    view.setUint8(offset + 1, indexIn(eventTypes, eventTypeIndexes, message.eventType));
    const keyBytes = bytes.write(message.key, offset + ENTRY_HEADER_BYTES);
    view.setUint16(offset + 2, keyBytes);
    view.setUint32(offset + 4, message.value.length);
    offset += ENTRY_HEADER_BYTES + keyBytes;
    message.value.copy(bytes, offset);
    offset += message.value.length;
  }
  return { buffer, topics, eventTypes, count: messages.length };
}

/**
 * The kafkajs messages of a packed batch, grouped by topic in their original order. Keys and
 * values are views into the packed buffer; the event type header buffer is shared.
 */
export function unpackMessages(
  packed: PackedMessages,
): Array<{ topic: string; messages: Message[] }> {
  const bytes = Buffer.from(packed.buffer);
  const view = new DataView(packed.buffer);
  const headers = packed.eventTypes.map((eventType) => ({ eventType: Buffer.from(eventType) }));
  const byTopic: Message[][] = packed.topics.map(() => []);
  let offset = 0;
  for (let index = 0; index < packed.count; index++) {
    const topic = view.getUint8(offset);
    const eventType = view.getUint8(offset + 1);
    const keyBytes = view.getUint16(offset + 2);
    const valueBytes = view.getUint32(offset + 4);
    const keyStart = offset + ENTRY_HEADER_BYTES;
    const valueStart = keyStart + keyBytes;
    byTopic[topic].push({
      key: bytes.subarray(keyStart, valueStart),
      value: bytes.subarray(valueStart, valueStart + valueBytes),
      headers: headers[eventType],
    });
    offset = valueStart + valueBytes;
  }
  return packed.topics.map((topic, index) => ({ topic, messages: byTopic[index] }));
}
