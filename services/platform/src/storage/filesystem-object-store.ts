import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertValidKey, ObjectNotFoundError, type ObjectStore } from './object-store.port';

/** Objects as files under one root folder; writes are atomic (temp file, then rename). */
export class FileSystemObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  uriFor(key: string): string {
    assertValidKey(key);
    return pathToFileURL(join(this.root, key)).href;
  }

  keyOf(uri: string): string {
    const prefix = pathToFileURL(this.root).href + '/';
    if (!uri.startsWith(prefix)) throw new Error(`'${uri}' is not in the store at ${this.root}`);
    const key = decodeURIComponent(uri.slice(prefix.length));
    assertValidKey(key);
    return key;
  }

  async put(key: string, body: Uint8Array): Promise<string> {
    const path = this.pathFor(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, path);
    return this.uriFor(key);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathFor(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathFor(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathFor(key), { force: true });
  }

  private pathFor(key: string): string {
    assertValidKey(key);
    return join(this.root, key);
  }
}
