import { randomUUID } from 'node:crypto';
import type { EventType, EventTypeMap } from '@readmit/contracts';
import type { EventSerde } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import { InfraError } from '../infra/infra-error';

/** A decoded event seen by a watch. */
export interface Seen {
  readonly eventType: EventType;
  readonly event: unknown;
}

/**
 * Follows topics from their current end, keeping what it decodes, so that an answer to a
 * request made after `open()` cannot be missed: `until` looks through what was seen and what
 * comes next. A consumer group of its own, nothing committed.
 */
export class LogWatch {
  private readonly seen: Seen[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly consumer;

  constructor(
    kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly topics: readonly string[],
    purpose: string,
  ) {
    this.consumer = kafka.consumer({
      groupId: `readmit-cli-${purpose}-${randomUUID()}`,
      readUncommitted: false,
    });
  }

  async open(): Promise<void> {
    const joined = new Promise<void>((resolve) =>
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()),
    );
    await this.consumer.connect();
    for (const topic of this.topics) await this.consumer.subscribe({ topic, fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = await this.serde.decode(message.value).catch(() => null);
        if (!decoded) return;
        this.seen.push({ eventType: decoded.eventType, event: decoded.event });
        for (const wake of this.waiters) wake();
      },
    });
    await joined;
  }

  /** The first event of the given types that `matches`, or an InfraError after `timeoutMs`. */
  until<T extends EventType>(
    types: readonly T[],
    matches: (event: EventTypeMap[T]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<{ eventType: T; event: EventTypeMap[T] }> {
    const find = () =>
      this.seen.find(
        (entry) =>
          (types as readonly EventType[]).includes(entry.eventType) &&
          matches(entry.event as EventTypeMap[T]),
      ) as { eventType: T; event: EventTypeMap[T] } | undefined;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (!found) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new InfraError(`${what} did not come within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
