import { Readable } from 'node:stream';
import { completeRecords } from './complete-records';

/** A body that delivers `chunks`, then ends or fails the way a dropped connection does. */
function body(chunks: readonly string[], cut: boolean): Readable {
  const stream = new Readable({ read() {} });
  for (const chunk of chunks) stream.push(Buffer.from(chunk));
  if (cut)
    setImmediate(() => stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
  else stream.push(null);
  return stream;
}

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

describe('completeRecords', () => {
  it('passes a body that ends on its own whole, a last line without a line break included', async () => {
    const records = completeRecords(body(['h\n1,a\n2,', 'b'], false), 'csv');
    expect(await text(records.stream)).toBe('h\n1,a\n2,b');
    expect(records.end()).toEqual({ cut: false, droppedBytes: 0 });
  });

  it('ends a cut body cleanly after its last complete record and drops the partial one', async () => {
    const records = completeRecords(body(['h\n1,a\n2,"multi', '\nline"\n3,', 'pa'], true), 'csv');
    expect(records.end()).toBeUndefined();
    expect(await text(records.stream)).toBe('h\n1,a\n2,"multi\nline"\n');
    expect(records.end()).toEqual({ cut: true, droppedBytes: '3,pa'.length, reason: 'ECONNRESET' });
  });

  it('keeps what the body had buffered but not handed over when it was destroyed', async () => {
    // An HTTP request destroyed as its connection closes drops its buffer; those rows arrived.
    const stream = new Readable({ read() {} });
    stream.push(Buffer.from('h\n1,a\n'));
    stream.push(Buffer.from('2,b\n3,'));
    const records = completeRecords(stream, 'csv');
    stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    expect(await text(records.stream)).toBe('h\n1,a\n2,b\n');
    expect(records.end()).toEqual({ cut: true, droppedBytes: 2, reason: 'ECONNRESET' });
  });

  it('does not take a line feed inside a quoted cell for the end of a row at a cut', async () => {
    const records = completeRecords(body(['h\n1,"first half\n', 'second'], true), 'csv');
    expect(await text(records.stream)).toBe('h\n');
    expect(records.end()?.cut).toBe(true);
  });

  it('cuts JSON lines at their last line feed', async () => {
    const records = completeRecords(body(['{"a":"x\\"y"}\n{"b":', '1}\n{"c"'], true), 'lines');
    expect(await text(records.stream)).toBe('{"a":"x\\"y"}\n{"b":1}\n');
  });

  it('stops holding back after a megabyte without a record boundary (a stray quote)', async () => {
    const stray = `h\n1,a"b\n${'2,c\n'.repeat(300_000)}`;
    // The body stays open: everything must come through before it ends, not at its end.
    const open = new Readable({ read() {} });
    open.push(Buffer.from(stray.slice(0, 600_000)));
    open.push(Buffer.from(stray.slice(600_000)));
    const records = completeRecords(open, 'csv');
    let received = '';
    for await (const part of records.stream) {
      received += (part as Buffer).toString('utf8');
      if (received.length === stray.length) break;
    }
    expect(received).toBe(stray);
    open.destroy();
  });
});
