import type { DescribeOutcome } from '../scoring-connection';
import { ServedModel } from './served-model';

const described: DescribeOutcome = {
  ok: true,
  model: { modelName: 'readmission', modelVersion: 'v1', threshold: 0.3, featureNames: ['a'] },
};
const unavailable: DescribeOutcome = {
  ok: false,
  failure: { kind: 'unavailable', message: 'scoring did not answer within 2000 ms' },
};

describe('ServedModel', () => {
  it('asks scoring once for callers at the same time, and keeps the answer for its time', async () => {
    let now = 0;
    let questions = 0;
    const answers = [unavailable, described];
    const served = new ServedModel(
      async () => answers[questions++],
      1_000,
      () => now,
    );
    // A failure stands as long as an answer does: a silent scoring costs one timeout a second.
    expect(await Promise.all([served.current(), served.current()])).toEqual([
      unavailable,
      unavailable,
    ]);
    now = 999;
    expect(await served.current()).toEqual(unavailable);
    expect(questions).toBe(1);
    now = 1_000;
    expect(await served.current()).toEqual(described);
    expect(questions).toBe(2);
  });
});
