import { LogPositions } from './log-positions';

const end = (partition: number, low: string, high: string) => ({
  topic: 't',
  partition,
  low,
  high,
});

describe('log positions', () => {
  it('has read the ends once every non-empty partition is handled up to its high end', () => {
    const positions = new LogPositions();
    const ends = [end(0, '0', '3'), end(1, '5', '5')];
    expect(positions.hasRead(ends)).toBe(false);
    positions.handled('t', 0, '1');
    expect(positions.hasRead(ends)).toBe(false);
    positions.handled('t', 0, '2');
    expect(positions.hasRead(ends)).toBe(true);
    expect(positions.hasRead([])).toBe(true);
  });

  it('counts a batch of only transaction markers as read, and never moves back', () => {
    const positions = new LogPositions();
    // Offsets 0-1 are events, 2 the commit marker that eachBatch never sees.
    positions.handled('t', 0, '1');
    positions.passed('t', 0, '2');
    expect(positions.hasRead([end(0, '0', '3')])).toBe(true);
    positions.passed('t', 0, '0');
    expect(positions.hasRead([end(0, '0', '3')])).toBe(true);
    expect(positions.handledBefore('t', 0, '2')).toBe(true);
  });
});
