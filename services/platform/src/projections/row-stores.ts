import type { EntityManager, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ProjectionStore } from './projection-store';

type Columns<Row> = readonly (keyof Row & string)[];

async function upsertRow<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => Row,
  keyColumns: Columns<Row>,
  row: Row,
): Promise<void> {
  await manager.upsert(entity, row as QueryDeepPartialEntity<Row>, [...keyColumns]);
}

/**
 * One row of a table under its primary key (`keyColumns`): the state is the row, or null when
 * there is none. An evolved row is upserted; null deletes the row that was there.
 */
export function rowStore<Row extends ObjectLiteral, KeyColumn extends keyof Row & string>(
  entity: new () => Row,
  keyColumns: readonly KeyColumn[],
): ProjectionStore<Row | null, Pick<Row, KeyColumn>> {
  return {
    entities: [entity],
    load: (manager, key) => manager.findOneBy(entity, key as FindOptionsWhere<Row>),
    async save(manager, key, before, after) {
      if (after === before) return;
      if (after === null) await manager.delete(entity, key as FindOptionsWhere<Row>);
      else await upsertRow(manager, entity, keyColumns, after);
    },
  };
}

/**
 * The rows of a table that share some of its primary key columns (`keyColumns`), e.g. every
 * version of one model: for a read model whose rows change together. Rows the evolved state
 * no longer holds are deleted; new and changed rows (other objects than those loaded) are
 * upserted; rows passed on as loaded are not written.
 */
export function rowGroupStore<Row extends ObjectLiteral, KeyColumn extends keyof Row & string>(
  entity: new () => Row,
  keyColumns: readonly KeyColumn[],
): ProjectionStore<readonly Row[], Partial<Pick<Row, KeyColumn>>> {
  const sameKey = (one: Row, other: Row) =>
    keyColumns.every((column) => one[column] === other[column]);
  return {
    entities: [entity],
    load: (manager, group) => manager.findBy(entity, group as FindOptionsWhere<Row>),
    async save(manager, _group, before, after) {
      if (after === before) return;
      for (const row of before) {
        if (after.some((kept) => sameKey(row, kept))) continue;
        const key = Object.fromEntries(keyColumns.map((column) => [column, row[column]]));
        await manager.delete(entity, key as FindOptionsWhere<Row>);
      }
      for (const row of after)
        if (!before.includes(row)) await upsertRow(manager, entity, keyColumns, row);
    },
  };
}
