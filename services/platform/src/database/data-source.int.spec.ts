import { Column, Entity, PrimaryColumn } from 'typeorm';
import { assertTestDatabase, createDataSource } from './data-source.factory';
import { testEndpoints, uniqueName } from '../../../../test/support/endpoints';

@Entity({ name: 'platform_probe' })
class ProbeRow {
  @PrimaryColumn('text')
  id!: string;

  @Column('integer')
  count!: number;

  @Column('timestamptz')
  recordedAt!: Date;
}

describe('createDataSource on the real Postgres', () => {
  const url = testEndpoints().databaseUrl;

  it('refuses a database whose name lacks "test"', () => {
    expect(() => assertTestDatabase('postgres://readmit@localhost:5432/readmit')).toThrow(
      /must contain "test"/,
    );
    expect(() => assertTestDatabase(url)).not.toThrow();
  });

  it('writes a row and reads it back', async () => {
    assertTestDatabase(url);
    const dataSource = createDataSource({ url, entities: [ProbeRow], synchronize: true });
    await dataSource.initialize();
    try {
      const repository = dataSource.getRepository(ProbeRow);
      const id = uniqueName('row');
      const recordedAt = new Date('2026-11-22T10:00:00.000Z');
      await repository.save({ id, count: 42, recordedAt });
      const row = await repository.findOneByOrFail({ id });
      expect(row).toEqual({ id, count: 42, recordedAt });
      await repository.delete({ id });
      expect(await repository.findOneBy({ id })).toBeNull();
    } finally {
      await dataSource.destroy();
    }
  });
});
