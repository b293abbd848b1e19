import { checkpointsAt, rangesBetween, recordsIn, resumePositions } from './backfill-range';

describe('backfill ranges', () => {
  const ranges = rangesBetween(
    'p.enc',
    [
      { partition: 1, offset: '10' },
      { partition: 0, offset: '5' },
      { partition: 2, offset: '9' },
    ],
    [
      { partition: 0, offset: '8' },
      { partition: 1, offset: '20' },
      { partition: 2, offset: '4' },
    ],
  );

  it('pairs each partition’s start with its end, empty when the start is past the end', () => {
    expect(ranges).toEqual([
      { topic: 'p.enc', partition: 0, fromOffset: 5, toOffset: 8 },
      { topic: 'p.enc', partition: 1, fromOffset: 10, toOffset: 20 },
      { topic: 'p.enc', partition: 2, fromOffset: 9, toOffset: 9 },
    ]);
    expect(recordsIn(ranges)).toBe(13);
  });

  it('resumes from the checkpoints, within the range', () => {
    const positions = resumePositions(ranges, [
      { topic: 'p.enc', partition: 0, fromOffset: 5, toOffset: 7 },
      { topic: 'p.enc', partition: 1, fromOffset: 10, toOffset: 99 },
    ]);
    expect([...positions]).toEqual([
      [0, 7],
      [1, 20],
      [2, 9],
    ]);
    expect(checkpointsAt(ranges, positions).map((checkpoint) => checkpoint.toOffset)).toEqual([
      7, 20, 9,
    ]);
  });

  it('starts at the range’s start without checkpoints', () => {
    expect([...resumePositions(ranges, []).values()]).toEqual([5, 10, 9]);
  });
});
