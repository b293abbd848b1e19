import { packMessages, PackWriter, unpackMessages } from './packed-messages';

describe('packed messages', () => {
  it('round-trips keys, values and event types, grouped by topic in order', () => {
    const messages = [
      { topic: 'a', key: '1', value: Buffer.from([0, 1, 2]), eventType: 'EncounterRecorded' },
      { topic: 'b', key: 'ключ', value: Buffer.alloc(0), eventType: 'OutcomeRecorded' },
      { topic: 'a', key: '', value: Buffer.alloc(70_000, 7), eventType: 'EncounterRecorded' },
    ];
    const packed = packMessages(messages);
    expect(packed.count).toBe(3);
    const unpacked = unpackMessages(packed);
    expect(unpacked.map(({ topic }) => topic)).toEqual(['a', 'b']);
    const [a, b] = unpacked;
    expect(a.messages.map((message) => String(message.key))).toEqual(['1', '']);
    expect(Buffer.compare(a.messages[0].value as Buffer, Buffer.from([0, 1, 2]))).toBe(0);
    expect((a.messages[1].value as Buffer).length).toBe(70_000);
    expect((a.messages[1].value as Buffer).every((byte) => byte === 7)).toBe(true);
    expect(String(b.messages[0].key)).toBe('ключ');
    expect((b.messages[0].value as Buffer).length).toBe(0);
    expect(String(b.messages[0].headers?.eventType)).toBe('OutcomeRecorded');
    expect(String(a.messages[1].headers?.eventType)).toBe('EncounterRecorded');
  });

  it('survives a transfer to another thread (structured clone of the packed form)', () => {
    const packed = packMessages([
      { topic: 't', key: 'k', value: Buffer.from('v'), eventType: 'E' },
    ]);
    const copy = structuredClone(packed);
    expect(String(unpackMessages(copy)[0].messages[0].value)).toBe('v');
  });

  it('refuses keys that do not fit the length field', () => {
    expect(() =>
      packMessages([
        { topic: 't', key: 'x'.repeat(70_000), value: Buffer.alloc(1), eventType: 'E' },
      ]),
    ).toThrow('longer than 65,535 bytes');
  });

  it('writes values in place, growing the batch and asking again when one does not fit', () => {
    const writer = new PackWriter(64);
    let attempts = 0;
    const big = Buffer.alloc(1_000, 9);
    writer.addWritten('t', 'first', 'E', (target, offset) => {
      attempts += 1;
      if (offset + big.length > target.length) return -1;
      big.copy(target, offset);
      return offset + big.length;
    });
    writer.add('t', 'second', 'F', Buffer.from('small'));
    const packed = writer.finish();
    expect(attempts).toBeGreaterThan(1);
    expect(packed.count).toBe(2);
    const [{ messages }] = unpackMessages(packed);
    expect(messages.map((message) => String(message.key))).toEqual(['first', 'second']);
    expect(Buffer.compare(messages[0].value as Buffer, big)).toBe(0);
    expect(String(messages[1].value)).toBe('small');
    expect(String(messages[1].headers?.eventType)).toBe('F');
  });

  it('owns its buffer (never a slice of the shared pool), so it can be transferred', () => {
    const packed = new PackWriter(100).finish();
    expect(packed.buffer.byteLength).toBeGreaterThanOrEqual(100);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packed, [packed.buffer]);
    expect(packed.buffer.byteLength).toBe(0);
    port1.close();
    port2.close();
  });
});
