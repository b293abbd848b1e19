/** `@readmit/platform/database`: Postgres data sources (typeorm). */
export * from './data-source.factory';
export * from './schema-creation';
