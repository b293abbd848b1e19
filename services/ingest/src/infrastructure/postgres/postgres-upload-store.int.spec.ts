import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import type { DataSource } from 'typeorm';
import { eventually, testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import type { KeyState } from '../../domain/dedup/encounter-claims';
import { UploadTally } from '../../domain/bulk-upload/upload-report';
import { learnEncounters, learnOutcomes } from './encounter-keys-table';
import { ensureIngestTables, type IngestTables } from './ingest-tables';
import { PostgresUploadStore } from './postgres-upload-store';

/** A promise and the function that settles it, to hold a transaction open from outside. */
function latch<T = void>() {
  let open: (value: T) => void = () => undefined;
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { open, opened };
}

const claimedIds = (states: Map<number, KeyState>) =>
  [...states].filter(([, state]) => state.claimed).map(([id]) => id);

describe('PostgresUploadStore (claims on ingest_encounter_keys, upload reports)', () => {
  const schema = uniqueName('ingest_store').replace(/-/g, '_');
  let dataSource: DataSource;
  let tables: IngestTables;
  let store: PostgresUploadStore;

  beforeAll(async () => {
    const url = testEndpoints().databaseUrl;
    assertTestDatabase(url);
    dataSource = createDataSource({ url, schema });
    await dataSource.initialize();
    tables = await ensureIngestTables(dataSource);
    await ensureIngestTables(dataSource); // a second start finds the tables in place
    store = new PostgresUploadStore(dataSource);
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  /** Resolves once a backend waits for a row lock on this test's keys table. */
  const someoneWaitsForALock = () =>
    eventually(async () => {
      const [{ waiting }] = (await dataSource.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE $1`,
        [`%${tables.keys}%`],
      )) as Array<{ waiting: number }>;
      return waiting > 0 ? true : undefined;
    }, 10_000);

  it('makes a concurrent claim of the same ids wait, then find them known once the first commits', async () => {
    const claimedFirst = latch();
    const release = latch();
    const first = store.inTransaction(async (claims) => {
      const states = await claims.claim([1, 2, 3], []);
      claimedFirst.open();
      await release.opened; // the publish, waiting for the broker
      return states;
    });
    await claimedFirst.opened;
    let secondDone = false;
    const second = store
      .inTransaction((claims) => claims.claim([2, 3, 4], []))
      .finally(() => (secondDone = true));
    await someoneWaitsForALock();
    expect(secondDone).toBe(false);
    release.open();
    expect(claimedIds(await first)).toEqual([1, 2, 3]);
    expect(claimedIds(await second)).toEqual([4]);
  });

  it('gives the ids of a transaction that rolled back (a failed publish) to the one waiting for them', async () => {
    const claimedFirst = latch();
    const fail = latch();
    const first = store.inTransaction(async (claims) => {
      await claims.claim([5, 6], []);
      claimedFirst.open();
      await fail.opened;
      throw new Error('broker unavailable');
    });
    await claimedFirst.opened;
    const second = store.inTransaction((claims) => claims.claim([6, 7], []));
    await someoneWaitsForALock();
    fail.open();
    await expect(first).rejects.toThrow('broker unavailable');
    expect(claimedIds(await second)).toEqual([6, 7]);
    // …and 5 is free again: the failed chunk's keys are claimable by a retry.
    expect(claimedIds(await store.inTransaction((claims) => claims.claim([5], [])))).toEqual([5]);
  });

  it('keeps the latest outcome by recordedAt, from uploads and from the log alike', async () => {
    const manager = dataSource.manager;
    // Seen on the log: an outcome before (or without) its encounter, and an encounter twice.
    await learnOutcomes(manager, tables.keys, [
      { encounterId: 10, outcome: 'NO', recordedAt: 100 },
    ]);
    await learnEncounters(manager, tables.keys, [11, 11]);
    const states = await store.inTransaction(async (claims) => {
      const claimed = await claims.claim([10, 11, 12], [10, 12]);
      await claims.storeOutcomes(new Map([[12, 'AFTER_30_DAYS']]), 150);
      return claimed;
    });
    expect([...states]).toEqual([
      [10, { claimed: true, outcome: 'NO' }], // unrecorded: an upload still publishes it
      [11, { claimed: false, outcome: null }],
      [12, { claimed: true, outcome: null }],
    ]);
    // An older outcome read late changes nothing; a newer one replaces it.
    await learnOutcomes(manager, tables.keys, [
      { encounterId: 12, outcome: 'NO', recordedAt: 120 },
      { encounterId: 10, outcome: 'WITHIN_30_DAYS', recordedAt: 90 },
      { encounterId: 10, outcome: 'AFTER_30_DAYS', recordedAt: 300 },
    ]);
    const outcomes = await store.inTransaction((claims) => claims.claim([10, 12], [10, 12]));
    expect([...outcomes]).toEqual([
      [10, { claimed: false, outcome: 'AFTER_30_DAYS' }],
      [12, { claimed: false, outcome: 'AFTER_30_DAYS' }],
    ]);
  });

  it('stores an upload once under its id, with its report as it goes and as it ends', async () => {
    const tally = new UploadTally('nightly-1', 40, Date.now());
    expect(await store.start(tally.report('receiving', Date.now()))).toBe(true);
    expect(await store.start(tally.report('receiving', Date.now()))).toBe(false);
    expect(await store.find('nightly-1')).toMatchObject({ status: 'receiving', fromLine: 40 });
    tally.skipped(39);
    tally.handled({ line: 40, encounter: 'known', publishOutcome: false });
    tally.rejected(41, [{ field: 'age', message: 'bad' }]);
    const report = tally.report('interrupted', Date.now());
    await store.save(report);
    expect(await store.find('nightly-1')).toEqual(report);
    await store.discard('nightly-1');
    expect(await store.find('nightly-1')).toBeUndefined();
  });
});
