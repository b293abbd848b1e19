import type { Provider } from '@nestjs/common';
import { PROJECTION_DATABASE } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { ensureIngestTables } from './ingest-tables';

/** The service's Postgres (the projections' data source) once the ingest tables exist. */
export const INGEST_DATABASE = Symbol('INGEST_DATABASE');

export const ingestDatabaseProvider: Provider = {
  provide: INGEST_DATABASE,
  inject: [PROJECTION_DATABASE],
  useFactory: async (dataSource: DataSource) => {
    await ensureIngestTables(dataSource);
    return dataSource;
  },
};
