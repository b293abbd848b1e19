import { EXAMPLE_EVENTS, type BackfillCompleted, type OffsetRange } from '@readmit/contracts';
import { evolveBackfills, type BackfillEvent, type BackfillState } from './backfill-state';
import { reusableBackfill, sameRanges } from './reusable-backfill';

const range = (partition: number, fromOffset: number, toOffset: number): OffsetRange => ({
  topic: 't.patient.encounters',
  partition,
  fromOffset,
  toOffset,
});
const RANGES = [range(0, 0, 100), range(1, 0, 80)];

/** A backfill's events: requested, one checkpoint over `ranges`, and its end. */
function backfill(
  id: string,
  options: {
    version?: string;
    ranges?: OffsetRange[];
    status?: BackfillCompleted['status'];
    endedAt?: number;
  } = {},
): BackfillEvent[] {
  const version = options.version ?? 'v1';
  return [
    {
      eventType: 'BackfillRequested',
      event: { ...EXAMPLE_EVENTS.BackfillRequested, backfillId: id, modelVersion: 'champion' },
    },
    {
      eventType: 'BackfillProgressed',
      event: {
        ...EXAMPLE_EVENTS.BackfillProgressed,
        backfillId: id,
        modelVersion: version,
        ranges: options.ranges ?? RANGES,
      },
    },
    {
      eventType: 'BackfillCompleted',
      event: {
        ...EXAMPLE_EVENTS.BackfillCompleted,
        envelope: {
          ...EXAMPLE_EVENTS.BackfillCompleted.envelope,
          occurredAt: options.endedAt ?? 1,
        },
        backfillId: id,
        status: options.status ?? 'COMPLETED',
        modelVersion: version,
      },
    },
  ];
}
const fold = (events: BackfillEvent[]): BackfillState =>
  events.reduce(evolveBackfills, new Map() as BackfillState);

describe('reusableBackfill', () => {
  it('finds a completed backfill of the version over the same ranges (a champion one too)', () => {
    const state = fold(backfill('a'));
    expect(
      reusableBackfill(state, 'v1', [range(1, 0, 80), range(0, 0, 100)])?.request.backfillId,
    ).toBe('a');
  });

  it('prefers the latest of several', () => {
    const state = fold([
      ...backfill('old', { endedAt: 1 }),
      ...backfill('new', { endedAt: 5 }),
      ...backfill('middle', { endedAt: 3 }),
    ]);
    expect(reusableBackfill(state, 'v1', RANGES)?.request.backfillId).toBe('new');
  });

  it('refuses another version, other ranges, an unfinished, failed or cancelled backfill', () => {
    expect(reusableBackfill(fold(backfill('a', { version: 'v2' })), 'v1', RANGES)).toBeNull();
    expect(
      reusableBackfill(
        fold(backfill('a', { ranges: [range(0, 0, 100), range(1, 0, 81)] })),
        'v1',
        RANGES,
      ),
    ).toBeNull();
    expect(reusableBackfill(fold(backfill('a', { status: 'FAILED' })), 'v1', RANGES)).toBeNull();
    expect(reusableBackfill(fold(backfill('a', { status: 'CANCELLED' })), 'v1', RANGES)).toBeNull();
    expect(reusableBackfill(fold(backfill('a').slice(0, 2)), 'v1', RANGES)).toBeNull();
  });
});

describe('sameRanges', () => {
  it('compares topic, partition and both offsets, in any order', () => {
    expect(sameRanges(RANGES, [...RANGES].reverse())).toBe(true);
    expect(sameRanges(RANGES, RANGES.slice(0, 1))).toBe(false);
    expect(sameRanges(RANGES, [range(0, 0, 100), { ...range(1, 0, 80), topic: 'other' }])).toBe(
      false,
    );
  });
});
