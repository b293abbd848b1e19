import { Client } from 'pg';
import { assertTestDatabase } from '@readmit/platform/database';
import { openProjectionDatabase, type Projection } from '@readmit/platform/projections';
import type { DataSource } from 'typeorm';
import { testEndpoints, uniqueName } from './endpoints';

/** A projection database in a schema of its own on the test database; drop() removes it. */
export async function isolatedProjectionDatabase(
  projections: readonly Projection[],
): Promise<{ dataSource: DataSource; schema: string; drop: () => Promise<void> }> {
  const url = testEndpoints().databaseUrl;
  assertTestDatabase(url);
  const schema = uniqueName('t').replace(/-/g, '_');
  const dataSource = await openProjectionDatabase(url, schema, projections);
  return {
    dataSource,
    schema,
    drop: async () => {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** Drops a test's own schema (and everything in it) from the test database. */
export async function dropTestSchema(schema: string): Promise<void> {
  const url = testEndpoints().databaseUrl;
  assertTestDatabase(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}
