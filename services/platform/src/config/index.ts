/** `@readmit/platform/config`: Service settings: the platform config, environment fields and their errors. */
export * from './config-error';
export * from './config-fields';
export * from './load-config';
export * from './platform-config';
export * from './kafka-security-config';
export * from './schema-registry-auth';
