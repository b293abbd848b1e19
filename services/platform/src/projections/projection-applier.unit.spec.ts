import { EXAMPLE_EVENTS, TOPICS } from '@readmit/contracts';
import type { EntityManager } from 'typeorm';
import { applyProjectionEvent } from './projection-applier';
import type { ProjectionDefinition } from './projection-definition';
import type { ProjectionStore } from './projection-store';

interface Tally {
  readonly batchId: string;
  readonly labels: number;
}

/** A store in memory that records what it is asked to save. */
function memoryStore(rows: Map<string, Tally>) {
  const saved: Array<{ key: string; before: Tally | null; after: Tally | null }> = [];
  const store: ProjectionStore<Tally | null, string> = {
    entities: [],
    load: async (_manager, key) => rows.get(key) ?? null,
    async save(_manager, key, before, after) {
      saved.push({ key, before, after });
      if (after === null) rows.delete(key);
      else rows.set(key, after);
    },
  };
  return { store, saved };
}

function tallying(store: ProjectionStore<Tally | null, string>) {
  const definition: ProjectionDefinition<Tally | null, string, 'BatchArrived'> = {
    name: 'tally',
    description: 'labels per batch',
    topics: [TOPICS.batches],
    eventTypes: ['BatchArrived'],
    store,
    keyOf: ({ event }) => event.batchId,
    // No labels: the row goes; a batch already counted: unchanged; otherwise its labels.
    evolve: (row, { event }) => {
      if (event.labeledCount === 0) return null;
      if (row?.labels === event.labeledCount) return row;
      return { batchId: event.batchId, labels: event.labeledCount };
    },
  };
  return definition;
}

const manager = {} as EntityManager;
const position = { topic: 'ml.batches', partition: 0, offset: '3' };
const arrived = (batchId: string, labeledCount: number) => ({
  eventType: 'BatchArrived' as const,
  event: { ...EXAMPLE_EVENTS.BatchArrived, batchId, labeledCount },
});

describe('applyProjectionEvent', () => {
  it('loads the state under the event key, evolves it and saves before and after', async () => {
    const rows = new Map([['b-1', { batchId: 'b-1', labels: 10 }]]);
    const { store, saved } = memoryStore(rows);
    await applyProjectionEvent(manager, tallying(store), arrived('b-1', 12), position);
    await applyProjectionEvent(manager, tallying(store), arrived('b-2', 5), position);
    expect(saved).toEqual([
      {
        key: 'b-1',
        before: { batchId: 'b-1', labels: 10 },
        after: { batchId: 'b-1', labels: 12 },
      },
      { key: 'b-2', before: null, after: { batchId: 'b-2', labels: 5 } },
    ]);
  });

  it('saves null when evolve says the row is gone', async () => {
    const rows = new Map([['b-1', { batchId: 'b-1', labels: 10 }]]);
    const { store } = memoryStore(rows);
    await applyProjectionEvent(manager, tallying(store), arrived('b-1', 0), position);
    expect(rows.has('b-1')).toBe(false);
  });

  it('writes nothing when evolve returns the state it was given', async () => {
    const rows = new Map([['b-1', { batchId: 'b-1', labels: 10 }]]);
    const { store, saved } = memoryStore(rows);
    await applyProjectionEvent(manager, tallying(store), arrived('b-1', 10), position);
    await applyProjectionEvent(manager, tallying(store), arrived('b-9', 0), position);
    expect(saved).toEqual([]);
  });

  it('gives evolve the position of the event', async () => {
    const { store } = memoryStore(new Map());
    const seen: unknown[] = [];
    const definition = tallying(store);
    await applyProjectionEvent(
      manager,
      {
        ...definition,
        evolve: (row, event, at) => {
          seen.push(at);
          return definition.evolve(row, event, at);
        },
      },
      arrived('b-1', 1),
      position,
    );
    expect(seen).toEqual([position]);
  });
});
