/** `@readmit/platform/privacy/keys`: key-encryption keys behind a KMS interface (local file, AWS KMS). */
export * from './key-encryption-key';
export * from './envelope-kek';
