import type { OffsetRange } from '@readmit/contracts';
import { RunProgress, skippedReason } from './run-progress';

const ranges: readonly OffsetRange[] = [
  { topic: 'p.enc', partition: 0, fromOffset: 5, toOffset: 8 },
  { topic: 'p.enc', partition: 1, fromOffset: 10, toOffset: 20 },
];

const finishedAt = (progress: RunProgress) =>
  progress.checkpoint(0).checkpoints.map((checkpoint) => checkpoint.toOffset);

describe('RunProgress', () => {
  it('starts a first run at the ranges’ starts, with nothing written', () => {
    const progress = new RunProgress(ranges, null, 1_000);
    expect(progress.checkpoint(0)).toEqual({
      checkpoints: [
        { topic: 'p.enc', partition: 0, fromOffset: 5, toOffset: 5 },
        { topic: 'p.enc', partition: 1, fromOffset: 10, toOffset: 10 },
      ],
      processed: 0,
      total: 13,
      ratePerSecond: 0,
      ranges,
    });
    expect(progress.resumeAt(ranges[1])).toBe(10);
    expect(progress.allDone()).toBe(false);
    expect(progress.startedAt).toBe(1_000);
  });

  it('resumes from a checkpoint: its positions and count; a partition at its end is done', () => {
    const progress = new RunProgress(
      ranges,
      {
        checkpoints: [
          { topic: 'p.enc', partition: 0, fromOffset: 5, toOffset: 8 },
          { topic: 'p.enc', partition: 1, fromOffset: 10, toOffset: 14 },
        ],
        processed: 6,
      },
      1_000,
    );
    expect(progress.isDone(0)).toBe(true);
    expect(progress.isDone(1)).toBe(false);
    expect(progress.resumeAt(ranges[1])).toBe(14);
    expect(progress.processed).toBe(6);
  });

  it('checkpoints a chunk from what is handed over; the committed view moves on commit', () => {
    const progress = new RunProgress(ranges, { checkpoints: [], processed: 4 }, 0);
    const first = { partition: 1, next: 13, written: 3 };
    expect(progress.handOver(first, 2)).toMatchObject({ processed: 7, ratePerSecond: 1.5 });
    const second = progress.handOver({ partition: 1, next: 15, written: 1 }, 4);
    expect(second.checkpoints[1].toOffset).toBe(15);
    expect(second).toMatchObject({ processed: 8, ratePerSecond: 1 });
    // Neither has committed: a resume would start where the run did.
    expect(finishedAt(progress)).toEqual([5, 10]);
    expect(progress.processed).toBe(4);

    progress.commit({ ...first, skipped: 2, invalid: 1 });
    expect(finishedAt(progress)).toEqual([5, 13]);
    expect(progress.checkpoint(3)).toMatchObject({ processed: 7, ratePerSecond: 1 });
    expect([progress.skipped, progress.invalid]).toEqual([2, 1]);
  });

  it('finishes a partition at its range’s end, once, in both views', () => {
    const progress = new RunProgress(ranges, null, 0);
    expect(progress.finishPartition(7)).toBe(false);
    expect(progress.finishPartition(0)).toBe(true);
    expect(progress.finishPartition(0)).toBe(false);
    expect(finishedAt(progress)).toEqual([8, 10]);
    expect(progress.handOver({ partition: 1, next: 12, written: 2 }, 1).checkpoints).toEqual([
      { topic: 'p.enc', partition: 0, fromOffset: 5, toOffset: 8 },
      { topic: 'p.enc', partition: 1, fromOffset: 10, toOffset: 12 },
    ]);
    expect(progress.allDone()).toBe(false);
    progress.finishPartition(1);
    expect(progress.allDone()).toBe(true);
  });
});

describe('skippedReason', () => {
  it('says nothing when every record got a prediction', () => {
    expect(skippedReason({ skipped: 0, invalid: 0 })).toBeNull();
  });

  it('names the invalid encounters and the other records left out', () => {
    expect(skippedReason({ skipped: 3, invalid: 0 })).toBe(
      '3 records were not encounters or could not be scored',
    );
    expect(skippedReason({ skipped: 3, invalid: 2 })).toBe(
      '2 encounters break the field rules and were not scored; 3 records were not encounters or could not be scored',
    );
  });
});
