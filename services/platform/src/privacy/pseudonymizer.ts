import { createHmac, hkdfSync } from 'node:crypto';
import {
  IDENTIFIER_KINDS,
  PSEUDONYM_MAC_BYTES,
  PSEUDONYM_PREFIXES,
  type IdentifierKind,
  type Pseudonymize,
} from '@readmit/contracts';
import type { PseudonymKey } from './pseudonym-key';

/** Names the derivation, so a key shared with another purpose still yields unrelated MAC keys. */
const DERIVATION_INFO = 'readmit pseudonym v1';

/**
 * Turns clear identifiers into their keyed pseudonyms: `enc_`/`pat_` and the first 128 bits of
 * HMAC-SHA-256(kindKey, clearId) as base64url. Each kind has its own MAC key, derived from the
 * site key with HKDF, so an encounter id and a patient number with the same digits get unrelated
 * pseudonyms. Stable: the same id gives the same pseudonym for as long as the key stays, so joins,
 * partition keys and patient-grouped splits work on pseudonyms as they did on ids. Whoever holds
 * the key can re-identify by recomputing (`readmit pseudonyms of`); nobody else can.
 */
export class Pseudonymizer {
  readonly #kindKeys: ReadonlyMap<IdentifierKind, Buffer>;

  constructor(key: PseudonymKey) {
    this.#kindKeys = new Map(
      IDENTIFIER_KINDS.map((kind) => [
        kind,
        Buffer.from(hkdfSync('sha256', key.bytes(), '', `${DERIVATION_INFO} ${kind}`, 32)),
      ]),
    );
  }

  /** The pseudonym of a clear id in its canonical text (decimal digits, no leading zero, for UCI ids). */
  pseudonymOf(kind: IdentifierKind, clearId: string): string {
    const mac = createHmac('sha256', this.#kindKeys.get(kind) as Buffer)
      .update(clearId, 'utf8')
      .digest();
    return `${PSEUDONYM_PREFIXES[kind]}${mac.subarray(0, PSEUDONYM_MAC_BYTES).toString('base64url')}`;
  }

  /** pseudonymOf as a function, for the readers that take identifiers in (ml's cell reader). */
  readonly pseudonymize: Pseudonymize = (kind, clearId) => this.pseudonymOf(kind, clearId);
}
