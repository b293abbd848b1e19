import type { Consumer } from 'kafkajs';

/**
 * How far a follower that commits nothing (a private group reading from the beginning) has
 * handled each partition. A consumer that replaces a crashed one starts over from the beginning;
 * it seeks to these positions once running and skips anything before them, so no message is
 * applied twice and none is missed.
 */
export class LogPositions {
  private readonly next = new Map<string, { topic: string; partition: number; offset: bigint }>();

  /** Starts a partition at `offset` (e.g. the end of a snapshot already applied). */
  startAt(topic: string, partition: number, offset: string): void {
    this.next.set(`${topic}:${partition}`, { topic, partition, offset: BigInt(offset) });
  }

  /** True for a message before the partition's position: an earlier consumer handled it. */
  handledBefore(topic: string, partition: number, offset: string): boolean {
    const position = this.next.get(`${topic}:${partition}`);
    return position !== undefined && BigInt(offset) < position.offset;
  }

  /** Records that the message at `offset` is handled. */
  handled(topic: string, partition: number, offset: string): void {
    this.startAt(topic, partition, (BigInt(offset) + 1n).toString());
  }

  /**
   * Records that the partition has been read up to `lastOffset` without a message to hand over,
   * e.g. a fetched batch of only transaction markers (kafkajs reports it in END_BATCH_PROCESS,
   * never to eachBatch). Never moves a position back.
   */
  passed(topic: string, partition: number, lastOffset: string): void {
    if (!this.handledBefore(topic, partition, lastOffset))
      this.handled(topic, partition, lastOffset);
  }

  /**
   * True once every partition is read up to its `high` end (the next offset to be written when
   * the ends were taken, see logEnds); an empty partition needs nothing read.
   */
  hasRead(
    ends: readonly { topic: string; partition: number; low: string; high: string }[],
  ): boolean {
    return ends.every(
      ({ topic, partition, low, high }) =>
        BigInt(high) <= BigInt(low) ||
        this.handledBefore(topic, partition, (BigInt(high) - 1n).toString()),
    );
  }

  /** Moves a running consumer to these positions (partitions not seen yet start as configured). */
  seek(consumer: Pick<Consumer, 'seek'>): void {
    for (const { topic, partition, offset } of this.next.values())
      consumer.seek({ topic, partition, offset: offset.toString() });
  }
}
