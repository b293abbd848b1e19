/**
 * The key-encryption key (KEK) behind a KMS: it wraps and unwraps the per-patient data keys and
 * never leaves its keeper (a local key file, AWS KMS). Forgetting a patient destroys that
 * patient's wrapped data key; rotating the KEK re-wraps every data key still kept.
 */
export interface KeyEncryptionKey {
  /** Names the KEK (a key file's fingerprint, a KMS key ARN), kept beside what it wrapped. */
  readonly id: string;
  /**
   * Wraps a data key. `context` is bound to the result: unwrapping with another context fails,
   * so a wrapped key copied to another patient's row is useless there.
   */
  wrap(dataKey: Uint8Array, context: EncryptionContext): Promise<Buffer>;
  /** The data key `wrap` was given; throws KeyUnwrapError if this KEK or context cannot open it. */
  unwrap(wrapped: Uint8Array, context: EncryptionContext): Promise<Buffer>;
}

/** What a wrapped key is bound to (e.g. `{ patient: 'pat_…', purpose: 'patient-data' }`). */
export type EncryptionContext = Readonly<Record<string, string>>;

export class KeyUnwrapError extends Error {
  constructor(reason: string) {
    super(`cannot unwrap the data key: ${reason}`);
    this.name = 'KeyUnwrapError';
  }
}
