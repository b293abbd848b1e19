import { EXAMPLE_EVENTS, type BackfillRequested } from '@readmit/contracts';
import {
  evolveBackfills,
  unfinishedBackfills,
  type BackfillEvent,
  type BackfillState,
} from './backfill-state';

const requested = (id: string, at: number): BackfillEvent => ({
  eventType: 'BackfillRequested',
  event: {
    ...EXAMPLE_EVENTS.BackfillRequested,
    envelope: { ...EXAMPLE_EVENTS.BackfillRequested.envelope, occurredAt: at },
    backfillId: id,
  } satisfies BackfillRequested,
});
const progressed = (id: string, processed: number): BackfillEvent => ({
  eventType: 'BackfillProgressed',
  event: { ...EXAMPLE_EVENTS.BackfillProgressed, backfillId: id, processed },
});
const completed = (id: string): BackfillEvent => ({
  eventType: 'BackfillCompleted',
  event: { ...EXAMPLE_EVENTS.BackfillCompleted, backfillId: id },
});
const fold = (events: BackfillEvent[]): BackfillState =>
  events.reduce(evolveBackfills, new Map() as BackfillState);

describe('the backfills folded from ml.backfills', () => {
  it('keeps the last checkpoint of a backfill that has not ended', () => {
    const state = fold([requested('a', 1), progressed('a', 10), progressed('a', 20)]);
    expect(state.get('a')?.progress?.processed).toBe(20);
    expect(unfinishedBackfills(state).map((backfill) => backfill.request.backfillId)).toEqual([
      'a',
    ]);
  });

  it('leaves ended backfills out of the unfinished ones, and ignores what comes after the end', () => {
    const state = fold([requested('a', 1), completed('a'), progressed('a', 99)]);
    expect(unfinishedBackfills(state)).toEqual([]);
    expect(state.get('a')?.progress).toBeNull();
  });

  it('treats a repeated request as the same backfill, and lists the unfinished by request time', () => {
    const state = fold([
      requested('b', 5),
      requested('a', 2),
      progressed('b', 10),
      requested('b', 9),
    ]);
    expect(state.get('b')?.progress?.processed).toBe(10);
    expect(unfinishedBackfills(state).map((backfill) => backfill.request.backfillId)).toEqual([
      'a',
      'b',
    ]);
  });

  it('ignores progress of an unknown backfill', () => {
    expect(fold([progressed('x', 1)]).size).toBe(0);
  });
});
