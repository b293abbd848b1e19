import { consumerLag, ratesBetween, snapshotOf } from './live-rates';

describe('live rates and lag from log offsets', () => {
  const ends = (high: [number, number]) => [
    { topic: 'enc', partition: 0, low: 0, high: high[0] },
    { topic: 'enc', partition: 1, low: 0, high: high[1] },
  ];

  it('sums partition ends per topic and turns two snapshots into records per second', () => {
    const before = snapshotOf(1_000, ends([10, 20]));
    const after = snapshotOf(3_000, ends([30, 40]));
    expect(before.totals).toEqual({ enc: 30 });
    expect(ratesBetween(before, after)).toEqual({ enc: 20 });
  });

  it('gives no rate for a topic that was not there before, or when the clock did not move', () => {
    const before = snapshotOf(1_000, []);
    expect(ratesBetween(before, snapshotOf(2_000, ends([5, 5])))).toEqual({});
    expect(ratesBetween(snapshotOf(1_000, ends([1, 1])), snapshotOf(1_000, ends([9, 9])))).toEqual(
      {},
    );
  });

  it('counts lag from the committed offset, or from the earliest offset where none is committed', () => {
    const partitions = [
      { topic: 'enc', partition: 0, low: 5, high: 100 },
      { topic: 'enc', partition: 1, low: 5, high: 50 },
      { topic: 'enc', partition: 2, low: 0, high: 10 },
    ];
    const committed = [
      { topic: 'enc', partition: 0, offset: 90 },
      { topic: 'enc', partition: 1, offset: -1 },
    ];
    expect(consumerLag(partitions, committed)).toBe(10 + 45 + 10);
  });
});
