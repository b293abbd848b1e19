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

/** Encounter `id` as the store keys it: a pseudonym-like text, in the order of its number. */
const key = (id: number) => `enc_${String(id).padStart(6, '0')}`;
const keys = (...ids: number[]) => ids.map(key);

const claimedIds = (states: Map<string, KeyState>) =>
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
      const states = await claims.claim(keys(1, 2, 3), []);
      claimedFirst.open();
      await release.opened; // the publish, waiting for the broker
      return states;
    });
    await claimedFirst.opened;
    let secondDone = false;
    const second = store
      .inTransaction((claims) => claims.claim(keys(2, 3, 4), []))
      .finally(() => (secondDone = true));
    await someoneWaitsForALock();
    expect(secondDone).toBe(false);
    release.open();
    expect(claimedIds(await first)).toEqual(keys(1, 2, 3));
    expect(claimedIds(await second)).toEqual(keys(4));
  });

  it('gives the ids of a transaction that rolled back (a failed publish) to the one waiting for them', async () => {
    const claimedFirst = latch();
    const fail = latch();
    const first = store.inTransaction(async (claims) => {
      await claims.claim(keys(5, 6), []);
      claimedFirst.open();
      await fail.opened;
      throw new Error('broker unavailable');
    });
    await claimedFirst.opened;
    const second = store.inTransaction((claims) => claims.claim(keys(6, 7), []));
    await someoneWaitsForALock();
    fail.open();
    await expect(first).rejects.toThrow('broker unavailable');
    expect(claimedIds(await second)).toEqual(keys(6, 7));
    // …and 5 is free again: the failed chunk's keys are claimable by a retry.
    expect(claimedIds(await store.inTransaction((claims) => claims.claim(keys(5), [])))).toEqual(
      keys(5),
    );
  });

  it('keeps the latest outcome by recordedAt, from uploads and from the log alike', async () => {
    const manager = dataSource.manager;
    // Seen on the log: an outcome before (or without) its encounter, and an encounter twice.
    await learnOutcomes(manager, tables.keys, [
      { encounterId: key(10), outcome: 'NO', recordedAt: 100 },
    ]);
    await learnEncounters(
      manager,
      tables.keys,
      keys(11, 11).map((encounterId) => ({ encounterId, patient: null })),
    );
    const states = await store.inTransaction(async (claims) => {
      const claimed = await claims.claim(keys(10, 11, 12), keys(10, 12));
      await claims.storeOutcomes(new Map([[key(12), 'AFTER_30_DAYS']]), 150);
      return claimed;
    });
    expect([...states]).toEqual([
      [key(10), { claimed: true, outcome: 'NO' }], // unrecorded: an upload still publishes it
      [key(11), { claimed: false, outcome: null }],
      [key(12), { claimed: true, outcome: null }],
    ]);
    // An older outcome read late changes nothing; a newer one replaces it.
    await learnOutcomes(manager, tables.keys, [
      { encounterId: key(12), outcome: 'NO', recordedAt: 120 },
      { encounterId: key(10), outcome: 'WITHIN_30_DAYS', recordedAt: 90 },
      { encounterId: key(10), outcome: 'AFTER_30_DAYS', recordedAt: 300 },
    ]);
    const outcomes = await store.inTransaction((claims) =>
      claims.claim(keys(10, 12), keys(10, 12)),
    );
    expect([...outcomes]).toEqual([
      [key(10), { claimed: false, outcome: 'AFTER_30_DAYS' }],
      [key(12), { claimed: false, outcome: 'AFTER_30_DAYS' }],
    ]);
  });

  it('turns a keys table from before pseudonyms (bigint clear ids) into text, each id its legacy clear id', async () => {
    const legacySchema = uniqueName('ingest_legacy').replace(/-/g, '_');
    const legacy = createDataSource({ url: testEndpoints().databaseUrl, schema: legacySchema });
    await legacy.initialize();
    try {
      await legacy.query(`CREATE SCHEMA "${legacySchema}"`);
      await legacy.query(
        `CREATE TABLE "${legacySchema}".ingest_encounter_keys (
           encounter_id bigint PRIMARY KEY, recorded boolean NOT NULL,
           outcome text, outcome_recorded_at bigint)`,
      );
      await legacy.query(
        `INSERT INTO "${legacySchema}".ingest_encounter_keys VALUES (149190, true, 'NO', 5)`,
      );
      const upgraded = await ensureIngestTables(legacy);
      await ensureIngestTables(legacy); // a second start finds it text already
      expect(
        await legacy.query(`SELECT encounter_id, recorded, outcome FROM ${upgraded.keys}`),
      ).toEqual([{ encounter_id: 'legacy:149190', recorded: true, outcome: 'NO' }]);
      // The log's old events read as the same legacy id: an upload of it is known.
      const states = await new PostgresUploadStore(legacy).inTransaction((claims) =>
        claims.claim(['legacy:149190'], ['legacy:149190']),
      );
      expect([...states]).toEqual([['legacy:149190', { claimed: false, outcome: 'NO' }]]);
    } finally {
      await legacy.query(`DROP SCHEMA IF EXISTS "${legacySchema}" CASCADE`);
      await legacy.destroy();
    }
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
