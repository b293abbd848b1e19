/** `@readmit/platform/storage`: Object stores (filesystem, S3) and the model artifact store. */
export * from './object-store.port';
export * from './filesystem-object-store';
export * from './s3-object-store';
export * from './object-store.factory';
export * from './model-artifact-store';
export * from './dataset-store';
