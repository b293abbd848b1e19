import type { Admin } from 'kafkajs';
import { RetriableKafkaError } from './kafka-errors';
import { fetchStableOffsets } from './stable-offsets';

const unstable = Object.assign(new Error('There are unstable offsets that need to be cleared'), {
  type: 'UNSTABLE_OFFSET_COMMIT',
  retriable: true,
});
const offsets = [{ topic: 't', partitions: [{ partition: 0, offset: '6', metadata: null }] }];

/** An admin whose fetchOffsets answers from `answers` in turn (errors are thrown). */
function adminAnswering(answers: unknown[]) {
  const calls: unknown[] = [];
  const admin = {
    fetchOffsets: async (request: unknown) => {
      calls.push(request);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as Admin;
  return { admin, calls };
}

describe('fetchStableOffsets', () => {
  const noSleep = async () => undefined;

  it('asks with require_stable and waits while a transaction is still writing the offsets', async () => {
    const { admin, calls } = adminAnswering([unstable, unstable, offsets]);
    await expect(fetchStableOffsets(admin, 'g', ['t'], { sleep: noSleep })).resolves.toEqual(
      offsets,
    );
    expect(calls).toEqual(
      Array.from({ length: 3 }, () => ({ groupId: 'g', topics: ['t'], requireStable: true })),
    );
  });

  it('passes other errors on at once', async () => {
    const notCoordinator = Object.assign(new Error('not coordinator'), { type: 'NOT_COORDINATOR' });
    const { admin, calls } = adminAnswering([notCoordinator]);
    await expect(fetchStableOffsets(admin, 'g', ['t'], { sleep: noSleep })).rejects.toBe(
      notCoordinator,
    );
    expect(calls).toHaveLength(1);
  });

  it('gives up with a retriable error naming the group when the offsets never settle', async () => {
    const { admin } = adminAnswering([unstable]);
    const failure = fetchStableOffsets(admin, 'g-1', ['t'], { timeoutMs: 0, sleep: noSleep });
    await expect(failure).rejects.toBeInstanceOf(RetriableKafkaError);
    await expect(failure).rejects.toThrow(/group g-1 .*still being written/);
  });
});
