import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `path` and each missing parent with exactly `mode`. `mkdirSync({ recursive, mode })`
 * gives every parent it creates the same mode, narrowed by the umask; a 0700 parent is enough to
 * lock another user (the `postgres` server user) out of everything below it. Folders that
 * already exist keep their mode: they may be the user's.
 */
export function makeDirectories(path: string, mode: number): void {
  const missing: string[] = [];
  for (let dir = resolve(path); !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    // `recursive` so that a folder another process creates meanwhile is no error.
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, mode);
  }
}

/** Creates `path` if needed and sets its mode, also when it exists: for folders that are ours alone. */
export function makeOwnDirectory(path: string, mode: number): void {
  makeDirectories(dirname(resolve(path)), 0o755);
  mkdirSync(path, { recursive: true });
  chmodSync(path, mode);
}
