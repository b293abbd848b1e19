/**
 * External identifiers (the UCI `encounter_id` and `patient_nbr`; later FHIR resource ids and
 * MRNs) never travel in the clear: producers replace each with a keyed pseudonym (HMAC-SHA-256
 * under the site key, see docs/security.md) before anything is written. This module fixes their
 * text form, which every reader can check without the key; computing them needs the key and lives
 * in `@readmit/platform/privacy`.
 */

/** The kinds of identifier, each pseudonymised in its own domain. */
export const IDENTIFIER_KINDS = ['encounter', 'patient'] as const;

export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A pseudonym starts with its kind, so an encounter's can never pass for a patient's. */
export const PSEUDONYM_PREFIXES: Readonly<Record<IdentifierKind, string>> = {
  encounter: 'enc_',
  patient: 'pat_',
};

/**
 * Bytes of the MAC a pseudonym keeps: 128 bits. Collisions stay negligible at any scale a
 * hospital reaches (birthday bound: about 1e-21 for a billion ids), and guessing a pseudonym
 * without the key is a 2^-128 chance; the full 256 bits would only make keys and logs longer.
 */
export const PSEUDONYM_MAC_BYTES = 16;

/**
 * The MAC as unpadded base64url: 22 characters, the last of which holds only 2 bits, so it is
 * one of A, Q, g, w. Checked strictly, so each pseudonym has exactly one spelling.
 */
const MAC_TEXT = '[A-Za-z0-9_-]{21}[AQgw]';

const PSEUDONYM_PATTERNS: Readonly<Record<IdentifierKind, RegExp>> = {
  encounter: new RegExp(`^${PSEUDONYM_PREFIXES.encounter}${MAC_TEXT}$`),
  patient: new RegExp(`^${PSEUDONYM_PREFIXES.patient}${MAC_TEXT}$`),
};

/** The form of a pseudonym of this kind (for a schema that documents it; see isPseudonym). */
export function pseudonymPattern(kind: IdentifierKind): RegExp {
  return PSEUDONYM_PATTERNS[kind];
}

/** Whether `value` has the form of a pseudonym of this kind (only the key can say it is one). */
export function isPseudonym(kind: IdentifierKind, value: unknown): value is string {
  return typeof value === 'string' && PSEUDONYM_PATTERNS[kind].test(value);
}

/** Computes the pseudonym of a clear identifier (its canonical text, e.g. `149190`). */
export type Pseudonymize = (kind: IdentifierKind, clearId: string) => string;

/**
 * How an identifier written in the clear before pseudonyms (an Avro `long`) reads today: a colon
 * never occurs in a pseudonym, so the two forms cannot collide. Such ids exist only in logs
 * written before the change, until the migration of docs/security.md rewrites them.
 */
export const LEGACY_CLEAR_ID_PREFIX = 'legacy:';

const LEGACY_CLEAR_ID = /^legacy:\d{1,19}$/;

export function legacyClearId(clearId: number): string {
  return `${LEGACY_CLEAR_ID_PREFIX}${clearId}`;
}

export function isLegacyClearId(value: unknown): value is string {
  return typeof value === 'string' && LEGACY_CLEAR_ID.test(value);
}

/** The clear number a legacy id carries (for the migration, which recomputes its pseudonym). */
export function clearIdOfLegacy(value: string): string {
  if (!isLegacyClearId(value)) throw new Error('not a legacy clear id');
  return value.slice(LEGACY_CLEAR_ID_PREFIX.length);
}

/** An identifier as readers accept it from the log: a pseudonym of its kind or a legacy clear id. */
export function isLoggedIdentifier(kind: IdentifierKind, value: unknown): value is string {
  return isPseudonym(kind, value) || isLegacyClearId(value);
}
