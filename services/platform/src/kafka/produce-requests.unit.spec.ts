import type { Message } from 'kafkajs';
import { messageBytes, splitIntoRequests } from './produce-requests';

const message = (key: string, bytes: number): Message => ({
  key,
  value: Buffer.alloc(bytes),
  headers: { eventType: Buffer.from('PredictionMade') },
});

describe('splitIntoRequests', () => {
  it('keeps a small batch in one request', () => {
    const requests = splitIntoRequests([{ topic: 'a', messages: [message('1', 100)] }], 10_000);
    expect(requests).toEqual([[{ topic: 'a', messages: [message('1', 100)] }]]);
  });

  it('bounds every request and keeps each topic in order', () => {
    const a = Array.from({ length: 50 }, (_, i) => message(`a${i}`, 200));
    const b = Array.from({ length: 30 }, (_, i) => message(`b${i}`, 300));
    const max = 2_000;
    const requests = splitIntoRequests(
      [
        { topic: 'a', messages: a },
        { topic: 'b', messages: b },
      ],
      max,
    );
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) {
      const bytes = request.flatMap((t) => t.messages).reduce((s, m) => s + messageBytes(m), 0);
      expect(bytes).toBeLessThanOrEqual(max);
      // kafkajs keeps one entry per topic in a request: a second would replace the first.
      expect(new Set(request.map((t) => t.topic)).size).toBe(request.length);
    }
    const keysOf = (topic: string) =>
      requests.flatMap((r) => r.filter((t) => t.topic === topic).flatMap((t) => t.messages));
    expect(keysOf('a').map((m) => m.key)).toEqual(a.map((m) => m.key));
    expect(keysOf('b').map((m) => m.key)).toEqual(b.map((m) => m.key));
  });

  it('sends a message over the bound alone', () => {
    const requests = splitIntoRequests(
      [{ topic: 'a', messages: [message('1', 10), message('2', 5_000), message('3', 10)] }],
      1_000,
    );
    expect(requests.map((r) => r[0].messages.map((m) => m.key))).toEqual([['1'], ['2'], ['3']]);
  });

  it('counts keys, values and headers', () => {
    expect(messageBytes(message('abc', 100))).toBe(3 + 100 + 'eventType'.length + 14 + 64);
    expect(messageBytes({ key: null, value: null })).toBe(64);
  });
});
