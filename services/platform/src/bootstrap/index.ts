/** `@readmit/platform/bootstrap`: Running a service: the platform Nest module, its injection tokens and createService. */
export * from './platform.tokens';
export * from './platform.module';
export * from './run-service';
export * from './service-document';
