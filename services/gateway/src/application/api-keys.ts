import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The accepted API keys, held as SHA-256 digests. A presented key is hashed and compared with
 * every accepted digest in constant time (equal lengths, no early exit), so response times tell
 * an attacker neither how much of a key was right nor which key matched.
 */
export class ApiKeys {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one API key is needed');
    this.digests = keys.map(digest);
  }

  accepts(presented: string): boolean {
    const candidate = digest(presented);
    let accepted = false;
    for (const known of this.digests) accepted = timingSafeEqual(candidate, known) || accepted;
    return accepted;
  }
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
