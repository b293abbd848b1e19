import { RecentScores } from './recent-scores';

describe('RecentScores: the live score distribution', () => {
  it('bins scores over [0, 1], the last bin holding 1, and counts every score ever added', () => {
    const recent = new RecentScores(10);
    for (const score of [0, 0.1, 0.49, 0.5, 0.99, 1]) recent.add(score, 0);
    expect(recent.histogram(2).map((bin) => bin.count)).toEqual([3, 3]);
    expect(recent.histogram(4)[0]).toEqual({ lower: 0, upper: 0.25, count: 2 });
    expect(recent.count).toBe(6);
  });

  it('keeps only the most recent scores, and filters by time', () => {
    const recent = new RecentScores(3);
    [0.1, 0.2, 0.9, 0.95].forEach((score, index) => recent.add(score, index * 1_000));
    expect(recent.histogram(2).map((bin) => bin.count)).toEqual([1, 2]);
    expect(recent.histogram(2, 2_000).map((bin) => bin.count)).toEqual([0, 2]);
    expect(recent.count).toBe(4);
  });

  it('ignores scores that are not numbers and refuses a ring without room', () => {
    const recent = new RecentScores(2);
    recent.add(Number.NaN, 0);
    expect(recent.count).toBe(0);
    expect(() => new RecentScores(0)).toThrow('capacity');
  });
});
