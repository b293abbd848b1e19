import type { Admin } from 'kafkajs';
import { RetriableKafkaError } from './kafka-errors';

type GroupOffsets = Awaited<ReturnType<Admin['fetchOffsets']>>;

export interface StableOffsetsOptions {
  /** How long to wait for a pending transaction to complete (default 60 s). */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

function isUnstableOffset(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === 'UNSTABLE_OFFSET_COMMIT'
  );
}

/**
 * A group's committed offsets once no transaction is still writing them (KIP-447's
 * require_stable). Without it the broker answers with the offsets before a commit whose markers
 * are still being written, and state restored from them (or work resumed at them) is one
 * transaction behind: that transaction's input would be processed again.
 */
export async function fetchStableOffsets(
  admin: Admin,
  groupId: string,
  topics: string[],
  {
    timeoutMs = 60_000,
    sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  }: StableOffsetsOptions = {},
): Promise<GroupOffsets> {
  const deadline = Date.now() + timeoutMs;
  for (let waitMs = 50; ; waitMs = Math.min(waitMs * 2, 1_000)) {
    try {
      return await admin.fetchOffsets({ groupId, topics, requireStable: true });
    } catch (error) {
      if (!isUnstableOffset(error)) throw error;
      if (Date.now() + waitMs > deadline)
        throw new RetriableKafkaError(
          `the offsets of group ${groupId} are still being written by a transaction after ${timeoutMs} ms`,
          { cause: error },
        );
      await sleep(waitMs);
    }
  }
}
