/**
 * `@readmit/platform/privacy/keys`: the key hierarchy for forgetting patients. A key-encryption
 * key behind a KMS (local file or AWS KMS, through the AWS Encryption SDK) protects the wrapping
 * key; the wrapping key wraps each patient's data key (RFC 5649); a patient's data key seals
 * their records (AES-256-GCM). Forgetting deletes the patient's wrapped data key.
 */
export * from './key-encryption-key';
export * from './envelope-kek';
export * from './key-wrap';
export * from './field-sealer';
export * from './patient-key-store.port';
export * from './patient-keys';
export * from './postgres-patient-key-store';
export * from './wrapping-keys';
export * from './kek-config';
export * from './memory-patient-key-store';
export * from './key-rotation';
