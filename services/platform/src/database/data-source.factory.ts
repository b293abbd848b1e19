import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';

export interface DataSourceSettings {
  readonly url: string;
  // typeorm's own type for entity lists (classes, schemas or globs).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: MixedList<Function | string | EntitySchema>;
  /** Create missing tables from the entities; for local development and tests only. */
  readonly synchronize?: boolean;
  /** The schema tables live in (default: public). */
  readonly schema?: string;
}

/** A typeorm DataSource on Postgres; projections own their entities, this owns the connection. */
export function createDataSource(settings: DataSourceSettings): DataSource {
  const options: DataSourceOptions = {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities ?? [],
    synchronize: settings.synchronize ?? false,
    schema: settings.schema,
    logging: false,
    connectTimeoutMS: 5_000,
  };
  return new DataSource(options);
}

/**
 * Refuses a database whose name lacks "test", so a test suite can never drop or rewrite a real
 * projection by pointing at the wrong URL.
 */
export function assertTestDatabase(url: string): void {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!name.toLowerCase().includes('test')) {
    throw new Error(
      `Refusing to run tests against database '${name}': its name must contain "test"`,
    );
  }
}
