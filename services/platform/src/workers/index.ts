/** `@readmit/platform/workers`: Worker threads started from TypeScript sources or the build. */
export * from './start-worker';
