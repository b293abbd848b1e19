import { Readable } from 'node:stream';
import { RecordBoundaryScanner } from '../domain/bulk-upload/record-boundary';

/** How a body ended: on its own, or cut off (client gone, aborted upload, broken framing). */
export interface BodyEnd {
  readonly cut: boolean;
  /** Bytes after the last complete record that were dropped at the cut. */
  readonly droppedBytes: number;
  /** The stream error's code at the cut, e.g. ECONNRESET (no content, safe to log). */
  readonly reason?: string;
}

export interface CompleteRecords {
  /** The body up to its last complete record: ends cleanly even when the body was cut off. */
  readonly stream: Readable;
  /** Known once `stream` has ended. */
  readonly end: () => BodyEnd | undefined;
}

/**
 * Past this many bytes without a record boundary, held bytes are passed on anyway: no row of
 * diabetic_data.csv is that long, so the quotes are unbalanced (a stray quote in a cell) or
 * the lines end in a bare CR, and holding on would buffer the rest of the file. A cut at such a
 * place may hand the parser a partial row, which it rejects like any malformed row.
 */
const MAX_HELD_BYTES = 1 << 20;

/**
 * Wraps a request body so that a cut (the client disconnects, the upload is aborted) ends it
 * like a finished body, minus the incomplete trailing record: every complete row received
 * before the cut is still read, and the partial one is never parsed into a wrong row. At a
 * normal end the last record counts even without a final line break.
 */
export function completeRecords(input: Readable, format: 'csv' | 'lines'): CompleteRecords {
  let ended: BodyEnd | undefined;
  const scanner = new RecordBoundaryScanner(format === 'csv');
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** The bytes of `chunk` and those held before it that complete records (null: none yet). */
  const take = (chunk: Buffer): Buffer | null => {
    let upTo = scanner.scan(chunk);
    const wouldHold = upTo === 0 ? heldBytes + chunk.length : chunk.length - upTo;
    if (wouldHold > MAX_HELD_BYTES) upTo = chunk.length;
    if (upTo === 0) {
      held.push(chunk);
      heldBytes += chunk.length;
      return null;
    }
    const complete =
      held.length === 0
        ? chunk.subarray(0, upTo)
        : Buffer.concat([...held, chunk.subarray(0, upTo)]);
    held = upTo < chunk.length ? [chunk.subarray(upTo)] : [];
    heldBytes = chunk.length - upTo;
    return complete;
  };
  // A stream destroyed by a cut drops what it had buffered and not yet handed over (an HTTP
  // request does so as the connection closes); it was received, so it is taken out first.
  const rescued: Buffer[] = [];
  const rescue = () => {
    for (let data: unknown = input.read(); data !== null; data = input.read())
      rescued.push(bufferOf(data));
  };
  input.on('error', rescue).on('close', rescue);
  async function* records(): AsyncGenerator<Buffer> {
    try {
      for await (const data of input) {
        const complete = take(bufferOf(data));
        if (complete) yield complete;
      }
    } catch (error) {
      // Any failure of the body means no more of it will come: what was complete stands.
      for (const chunk of rescued.splice(0)) {
        const complete = take(chunk);
        if (complete) yield complete;
      }
      ended = { cut: true, droppedBytes: heldBytes, reason: codeOf(error) };
      return;
    } finally {
      input.off('error', rescue).off('close', rescue);
    }
    if (heldBytes > 0) yield Buffer.concat(held);
    ended = { cut: false, droppedBytes: 0 };
  }
  return { stream: Readable.from(records(), { objectMode: false }), end: () => ended };
}

const bufferOf = (data: unknown): Buffer =>
  Buffer.isBuffer(data) ? data : Buffer.from(data as string);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}
