/** `@readmit/platform/health`: /health and /ready: the readiness registry and its controller. */
export * from './readiness';
export * from './health.controller';
