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

  /** Moves a running consumer to these positions (partitions not seen yet start as configured). */
  seek(consumer: Pick<Consumer, 'seek'>): void {
    for (const { topic, partition, offset } of this.next.values())
      consumer.seek({ topic, partition, offset: offset.toString() });
  }
}
