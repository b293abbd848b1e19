import type { DataSource } from 'typeorm';
import { createDataSource } from '../database/data-source.factory';
import { createSchemaIfMissing } from '../database/schema-creation';
import type { Projection } from './projection-definition';
import { ProjectionCheckpoint } from './projection-checkpoint.entity';

/**
 * The database of a set of projections: their tables and the checkpoints, in one schema. The
 * tables follow the code (typeorm synchronize): they hold derived data that a rebuild refills,
 * so there is nothing in them a schema change could lose.
 */
export async function openProjectionDatabase(
  url: string,
  schema: string,
  projections: readonly Projection[],
): Promise<DataSource> {
  const dataSource = createDataSource({
    url,
    schema,
    entities: [
      ProjectionCheckpoint,
      ...projections.flatMap((projection) => projection.store.entities),
    ],
  });
  await dataSource.initialize();
  try {
    await createSchemaIfMissing((sql) => dataSource.query(sql), schema);
    await dataSource.synchronize();
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
