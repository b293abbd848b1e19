import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

/**
 * NDJSON files in a folder, one per name (`Patient.ndjson`), opened on first write: a name with
 * nothing written gets no file, as in a Bulk Data export. Writes wait while a file's buffer is
 * full, so a large export holds little in memory.
 */
export class NdjsonFiles {
  private readonly streams = new Map<string, WriteStream>();
  private readonly lines = new Map<string, number>();

  constructor(private readonly folder: string) {}

  async write(name: string, value: unknown): Promise<void> {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = createWriteStream(join(this.folder, `${name}.ndjson`));
      this.streams.set(name, stream);
    }
    this.lines.set(name, (this.lines.get(name) ?? 0) + 1);
    if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain');
  }

  /** Lines written, by file name. */
  counts(): ReadonlyMap<string, number> {
    return this.lines;
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map(
        (stream) =>
          new Promise<void>((resolve, reject) =>
            stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
          ),
      ),
    );
  }
}
