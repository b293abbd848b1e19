import { EXAMPLE_EVENTS, type Envelope } from '@readmit/contracts';
import type { OutgoingEvent } from '@readmit/platform/kafka';
import type { EncounterAttributes, ParsedRow } from '@readmit/ml';
import type { CsvEncounterRow } from '../../infrastructure/csv-encounter-reader';
import { loadEncounters, type LoadOptions } from './load-encounters';

const {
  envelope: _envelope,
  recordedAt: _recordedAt,
  source: _source,
  ...attributes
} = EXAMPLE_EVENTS.EncounterRecorded;
/** A good row of encounter `id`, keyed by `String(id)`: ids are opaque text to the loader. */
const good = (id: number, labelled = true): ParsedRow => ({
  ok: true,
  encounter: { ...(attributes as EncounterAttributes), encounter_id: String(id) },
  outcome: labelled ? 'NO' : null,
});
const bad: ParsedRow = {
  ok: false,
  errors: [{ field: 'age', message: "'[70-85)' is not one of …" }],
};

async function* rows(...results: ParsedRow[]): AsyncGenerator<CsvEncounterRow> {
  let line = 2;
  for (const result of results) yield { line: line++, result };
}

/** A fake clock that only moves when the loader sleeps. */
function harness(extra: Partial<LoadOptions> = {}) {
  let clock = 1_000_000;
  const sleeps: number[] = [];
  const published: Array<{ at: number; events: readonly OutgoingEvent[] }> = [];
  let ids = 0;
  const options: LoadOptions = {
    source: 'csv:test.csv',
    envelopeFor: (eventType, causedBy?: Envelope) => ({
      eventId: `e${++ids}`,
      eventType,
      occurredAt: clock,
      correlationId: 'load-1',
      causationId: causedBy?.eventId ?? null,
      producer: 'test',
    }),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...extra,
  };
  const publish = async (events: readonly OutgoingEvent[]) =>
    void published.push({ at: clock, events });
  return { options, publish, published, sleeps };
}

describe('loadEncounters', () => {
  it('publishes each good row as an encounter and its outcome, and reports bad rows with their line', async () => {
    const { options, publish, published } = harness({ batchSize: 4 });
    const report = await loadEncounters(
      rows(good(1), bad, good(2, false), good(3)),
      publish,
      options,
    );
    expect(report).toMatchObject({ rows: 4, encounters: 3, outcomes: 2, rejected: 1 });
    expect(report.rejections).toEqual([
      { line: 3, errors: [{ field: 'age', message: "'[70-85)' is not one of …" }] },
    ]);
    const events = published.flatMap((call) => call.events);
    expect(events.map((event) => [event.eventType, event.key])).toEqual([
      ['EncounterRecorded', '1'],
      ['OutcomeRecorded', '1'],
      ['EncounterRecorded', '2'],
      ['EncounterRecorded', '3'],
      ['OutcomeRecorded', '3'],
    ]);
    const [encounter, outcome] = events;
    expect(outcome.event.envelope.causationId).toBe(encounter.event.envelope.eventId);
    expect((encounter.event as { source: string }).source).toBe('csv:test.csv#2');
    // A batch goes out once at least batchSize events wait: an encounter and its outcome stay together.
    expect(published.map((call) => call.events.length)).toEqual([5]);
  });

  it('holds outcomes back for the outcome delay, after every encounter is out', async () => {
    const { options, publish, published } = harness({ outcomeDelayMs: 5_000 });
    const report = await loadEncounters(rows(good(1), good(2)), publish, options);
    expect(report).toMatchObject({ encounters: 2, outcomes: 2 });
    expect(published.map((call) => call.events.map((event) => event.eventType))).toEqual([
      ['EncounterRecorded', 'EncounterRecorded'],
      ['OutcomeRecorded', 'OutcomeRecorded'],
    ]);
    expect(published[1].at - published[0].at).toBe(5_000);
  });

  it('keeps to the requested rate by sleeping', async () => {
    const { options, publish, sleeps } = harness({ maxRatePerSecond: 2, batchSize: 100 });
    const report = await loadEncounters(
      rows(good(1, false), good(2, false), good(3, false), good(4, false)),
      publish,
      options,
    );
    expect(report.encounters).toBe(4);
    // Four encounters at two per second take two seconds.
    expect(sleeps.reduce((total, ms) => total + ms, 0)).toBeCloseTo(2_000, -1);
  });
});
