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

/**
 * Writes a message's value at `offset` of `target` and returns where it ends, or a negative
 * number when it did not fit (then nothing it wrote counts, and it is asked again with more room).
 */
export type ValueWriter = (target: Buffer, offset: number) => number;

/**
 * Builds a packed batch message by message. A value can be written straight into the batch's
 * buffer (`addWritten`, e.g. by the serde's `encodeInto`), so a producer of many events makes no
 * Buffer per message and copies nothing.
 */
export class PackWriter {
  private buffer: ArrayBuffer;
  private bytes: Buffer;
  private view: DataView;
  private offset = 0;
  private count = 0;
  private readonly topics: string[] = [];
  private readonly eventTypes: string[] = [];
  private readonly topicIndexes = new Map<string, number>();
  private readonly eventTypeIndexes = new Map<string, number>();

  constructor(initialBytes = 64 * 1024) {
    // An ArrayBuffer of our own, never a slice of Node's shared pool: it is transferred.
    this.buffer = new ArrayBuffer(Math.max(initialBytes, 64));
    this.bytes = Buffer.from(this.buffer);
    this.view = new DataView(this.buffer);
  }

  /** Adds a message whose value is already a Buffer (copied into the batch). */
  add(topic: string, key: string, eventType: string, value: Buffer): void {
    this.addWritten(topic, key, eventType, (target, offset) => {
      if (offset + value.length > target.length) return -1;
      value.copy(target, offset);
      return offset + value.length;
    });
  }

  /** Adds a message whose value `write` puts straight into the batch. */
  addWritten(topic: string, key: string, eventType: string, write: ValueWriter): void {
    const keyBytes = Buffer.byteLength(key);
    if (keyBytes > 0xffff) throw new RangeError('a message key is longer than 65,535 bytes');
    const start = this.offset;
    const valueStart = start + ENTRY_HEADER_BYTES + keyBytes;
    this.ensure(valueStart);
    let valueEnd = write(this.bytes, valueStart);
    while (valueEnd < 0) {
      this.ensure(this.bytes.length + 1);
      valueEnd = write(this.bytes, valueStart);
    }
    this.view.setUint8(start, indexIn(this.topics, this.topicIndexes, topic));
    this.view.setUint8(start + 1, indexIn(this.eventTypes, this.eventTypeIndexes, eventType));
    this.view.setUint16(start + 2, keyBytes);
    this.view.setUint32(start + 4, valueEnd - valueStart);
    this.bytes.write(key, start + ENTRY_HEADER_BYTES);
    this.offset = valueEnd;
    this.count += 1;
  }

  /** The batch so far; the writer must not be used after. */
  finish(): PackedMessages {
    return {
      buffer: this.buffer,
      topics: this.topics,
      eventTypes: this.eventTypes,
      count: this.count,
    };
  }

  /** Grows the buffer (doubling, keeping what is written) to hold at least `bytes`. */
  private ensure(bytes: number): void {
    if (bytes <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < bytes) size *= 2;
    const grown = new ArrayBuffer(size);
    const grownBytes = Buffer.from(grown);
    this.bytes.copy(grownBytes, 0, 0, this.offset);
    this.buffer = grown;
    this.bytes = grownBytes;
    this.view = new DataView(grown);
  }
}

export function packMessages(messages: readonly PackableMessage[]): PackedMessages {
  let size = 0;
  for (const message of messages)
    size += ENTRY_HEADER_BYTES + Buffer.byteLength(message.key) + message.value.length;
  const writer = new PackWriter(size);
  for (const message of messages)
    writer.add(message.topic, message.key, message.eventType, message.value);
  return writer.finish();
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
