import { EXAMPLE_EVENTS, type Envelope, type ReadmissionClass } from '@readmit/contracts';
import type { OutgoingEvent } from '@readmit/platform/kafka';
import { UploadTally } from '../../domain/bulk-upload/upload-report';
import type { KeyState } from '../../domain/dedup/encounter-claims';
import type { EncounterAttributes, ParsedRow } from '@readmit/ml';
import type { CsvEncounterRow } from '../../infrastructure/csv-encounter-reader';
import { ingestRows, type IngestRowsDeps } from './ingest-rows';
import { ClaimConflictError, type ChunkClaims, type UploadStore } from './upload-store';

const {
  envelope: _envelope,
  recordedAt: _recordedAt,
  source: _source,
  ...attributes
} = EXAMPLE_EVENTS.EncounterRecorded;
/** A good row of encounter `id`, keyed by `String(id)`: ids are opaque text to ingestRows. */
const good = (id: number, outcome: ReadmissionClass | null = 'NO'): ParsedRow => ({
  ok: true,
  encounter: { ...(attributes as EncounterAttributes), encounter_id: String(id) },
  outcome,
});
const bad: ParsedRow = { ok: false, errors: [{ field: 'age', message: 'bad' }] };

async function* rows(...results: ParsedRow[]): AsyncGenerator<CsvEncounterRow> {
  let line = 2;
  for (const result of results) yield { line: line++, result };
}

/**
 * Keys in memory with the transaction semantics the Postgres store gives: a transaction works
 * on a copy that replaces the committed keys only when the work resolves.
 */
class MemoryStore implements Pick<UploadStore, 'inTransaction'> {
  keys = new Map<string, { recorded: boolean; outcome: ReadmissionClass | null }>();
  conflictsToThrow = 0;
  transactions = 0;

  async inTransaction<T>(work: (claims: ChunkClaims) => Promise<T>): Promise<T> {
    this.transactions += 1;
    const pending = new Map([...this.keys].map(([id, key]) => [id, { ...key }]));
    const claims: ChunkClaims = {
      claim: async (ids, labelled) => {
        if (this.conflictsToThrow > 0) {
          this.conflictsToThrow -= 1;
          throw new ClaimConflictError();
        }
        const states = new Map<string, KeyState>();
        for (const id of ids) {
          const key = pending.get(id);
          const claimed = !key?.recorded;
          pending.set(id, { recorded: true, outcome: key?.outcome ?? null });
          states.set(id, {
            claimed,
            outcome: labelled.includes(id) ? (key?.outcome ?? null) : null,
          });
        }
        return states;
      },
      storeOutcomes: async (changes) => {
        for (const [id, outcome] of changes) pending.set(id, { recorded: true, outcome });
      },
    };
    const result = await work(claims);
    this.keys = pending;
    return result;
  }
}

function harness(store: MemoryStore, failPublishCall?: number) {
  const published: OutgoingEvent[][] = [];
  let calls = 0;
  let ids = 0;
  const deps: IngestRowsDeps = {
    store: store as unknown as UploadStore, // only inTransaction is used by ingestRows
    publish: async (events) => {
      calls += 1;
      if (calls === failPublishCall) throw new Error('broker unavailable');
      published.push([...events]);
    },
    envelopeFor: (eventType, causedBy?: Envelope) => ({
      eventId: `e${++ids}`,
      eventType,
      occurredAt: 0,
      correlationId: 'u',
      causationId: causedBy?.eventId ?? null,
      producer: 'test',
    }),
    now: () => 1_000,
    source: 'http:u',
    chunkRows: 2,
  };
  const keysOf = (type: OutgoingEvent['eventType']) =>
    published
      .flat()
      .filter((event) => event.eventType === type)
      .map((event) => event.key);
  return { deps, published, keysOf };
}

describe('ingestRows', () => {
  it('publishes each encounter once however often it is sent, and counts the rest as duplicates', async () => {
    const store = new MemoryStore();
    const first = harness(store);
    const tally = new UploadTally('u', null, 0);
    await ingestRows(rows(good(1), bad, good(2, null), good(1)), tally, first.deps);
    expect(first.keysOf('EncounterRecorded')).toEqual(['1', '2']);
    expect(first.keysOf('OutcomeRecorded')).toEqual(['1']);
    expect(tally.report('completed', 0)).toMatchObject({
      rows: 4,
      encounters: 2,
      outcomes: 1,
      duplicates: 1,
      rejected: 1,
      lastCompleteLine: 5,
      duplicateLines: [{ from: 5, to: 5 }],
      rejections: [{ line: 3, errors: [{ field: 'age', message: 'bad' }] }],
    });

    const again = harness(store);
    const second = new UploadTally('v', null, 0);
    await ingestRows(rows(good(1), good(2, null), good(3)), second, again.deps);
    expect(again.keysOf('EncounterRecorded')).toEqual(['3']);
    expect(again.keysOf('OutcomeRecorded')).toEqual(['3']);
    expect(second.report('completed', 0)).toMatchObject({ encounters: 1, duplicates: 2 });
  });

  it('publishes a late or corrected label of a known encounter alone, caused by nothing', async () => {
    const store = new MemoryStore();
    await ingestRows(
      rows(good(1, null), good(2, 'NO')),
      new UploadTally('u', null, 0),
      harness(store).deps,
    );
    const later = harness(store);
    const tally = new UploadTally('v', null, 0);
    await ingestRows(
      rows(good(1, 'NO'), good(2, 'WITHIN_30_DAYS'), good(2, 'WITHIN_30_DAYS')),
      tally,
      later.deps,
    );
    const events = later.published.flat();
    expect(events.map((event) => [event.eventType, event.key])).toEqual([
      ['OutcomeRecorded', '1'],
      ['OutcomeRecorded', '2'],
    ]);
    expect(events.every((event) => event.event.envelope.causationId === null)).toBe(true);
    expect(tally.report('completed', 0)).toMatchObject({
      encounters: 0,
      outcomes: 2,
      duplicates: 3,
      updatedOutcomes: 2,
    });
  });

  it('rolls the claims of a chunk whose publish failed back, so sending again publishes them', async () => {
    const store = new MemoryStore();
    const failing = harness(store, 2);
    const tally = new UploadTally('u', null, 0);
    await expect(
      ingestRows(rows(good(1), good(2), good(3), good(4), good(5)), tally, failing.deps),
    ).rejects.toThrow('broker unavailable');
    expect(failing.keysOf('EncounterRecorded')).toEqual(['1', '2']);
    // Only the committed chunk counts: the client resumes after line 3.
    expect(tally.report('failed', 0)).toMatchObject({ encounters: 2, resumeFromLine: 4 });

    const retry = harness(store);
    await ingestRows(
      rows(good(1), good(2), good(3), good(4), good(5)),
      new UploadTally('v', null, 0),
      retry.deps,
    );
    expect(retry.keysOf('EncounterRecorded')).toEqual(['3', '4', '5']);
  });

  it('retries a chunk whose claims met a deadlock, publishing it once', async () => {
    const store = new MemoryStore();
    store.conflictsToThrow = 2;
    const { deps, keysOf } = harness(store);
    await ingestRows(rows(good(1)), new UploadTally('u', null, 0), deps);
    expect(keysOf('EncounterRecorded')).toEqual(['1']);
    expect(store.transactions).toBe(3);

    store.conflictsToThrow = 3;
    await expect(
      ingestRows(rows(good(2)), new UploadTally('v', null, 0), deps),
    ).rejects.toBeInstanceOf(ClaimConflictError);
  });

  it('takes a chunk of only rejected rows without a transaction, and stores progress after each chunk', async () => {
    const store = new MemoryStore();
    const { deps } = harness(store);
    const progress: number[] = [];
    const tally = new UploadTally('u', null, 0);
    await ingestRows(rows(bad, bad, good(1), bad), tally, {
      ...deps,
      onChunk: async () => void progress.push(tally.report('receiving', 0).rows),
    });
    expect(store.transactions).toBe(1);
    expect(progress).toEqual([4]);
    expect(tally.report('completed', 0)).toMatchObject({ rows: 4, rejected: 3, encounters: 1 });
  });
});
