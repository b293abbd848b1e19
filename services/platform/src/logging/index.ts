/** `@readmit/platform/logging`: Structured logging (pino) and its Nest adapter. */
export * from './logger';
export * from './nest-logger.adapter';
