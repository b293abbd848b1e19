import type { Message, TopicMessages } from 'kafkajs';

/**
 * What one produce request may carry. kafkajs sends a sendBatch as one record batch per
 * partition, and the broker refuses a batch over `message.max.bytes` (1 MiB by default). Keys
 * of derived events often follow their source's keys, so a whole chunk can land on a single
 * partition: the bound is on the request's total, which bounds every partition's batch.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 768 * 1024;

/** Record framing kafkajs adds per message (lengths, varints, timestamps, header names). */
const RECORD_OVERHEAD_BYTES = 64;

function sizeOf(value: Message['value'] | Message['key']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** A message's size on the wire, roughly and from above. */
export function messageBytes(message: Message): number {
  let headers = 0;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) headers += Buffer.byteLength(name) + sizeOf(one ?? null);
  }
  return sizeOf(message.key) + sizeOf(message.value) + headers + RECORD_OVERHEAD_BYTES;
}

/**
 * Splits topic messages into produce requests of at most `maxBytes` each, keeping every
 * message's order within its topic (so within each partition). A message larger than the bound
 * travels alone: the broker then says why, rather than this splitting it further. Inside one
 * transaction the requests are atomic together, so splitting changes nothing for readers.
 */
export function splitIntoRequests(
  topicMessages: readonly TopicMessages[],
  maxBytes = DEFAULT_MAX_REQUEST_BYTES,
): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current = new Map<string, Message[]>();
  let currentBytes = 0;
  const flush = () => {
    if (current.size === 0) return;
    requests.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    currentBytes = 0;
  };
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (currentBytes > 0 && currentBytes + bytes > maxBytes) flush();
      const batch = current.get(topic) ?? [];
      batch.push(message);
      current.set(topic, batch);
      currentBytes += bytes;
    }
  }
  flush();
  return requests;
}
