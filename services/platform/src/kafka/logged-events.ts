import type { EventType, EventTypeMap } from '@readmit/contracts';
import type { KafkaMessage } from 'kafkajs';
import { unexpectedEvent } from './event-validation';
import { PoisonMessageError, type PoisonReason } from './kafka-errors';
import type { KafkaMetrics } from './kafka-metrics';
import type { DecodedEvent, EventSerde } from './serde/event-serde';

/**
 * Why a reader of the log leaves a message out: it cannot be decoded, its event breaks its field
 * rules (the serde's check), or it is a well-formed event the topic catalog does not list for
 * the topic it was written to (a writer's mistake: it must not count as what that topic carries).
 */
export type SkipReason = Exclude<PoisonReason, 'handler_error'>;

export const SKIP_REASONS: readonly SkipReason[] = [
  'undecodable',
  'unknown_schema',
  'unknown_event_type',
  'invalid_event',
  'unexpected_event_type',
  'sealed_without_keys',
  'patient_forgotten',
];

export type SkipCounts = Readonly<Record<SkipReason, number>>;

/** Where a message stands in the log. */
export interface MessagePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * One event read from the log, with where it stands. A union discriminated by `eventType`, so a
 * `switch` on it narrows `event` without a cast.
 */
export type LoggedEvent<K extends EventType = EventType> = {
  [T in K]: MessagePosition & {
    readonly key: string | null;
    readonly eventType: T;
    readonly event: EventTypeMap[T];
  };
}[K];

/** What a reader makes of one message. */
export type Reading<K extends EventType> =
  | { readonly kind: 'event'; readonly event: LoggedEvent<K> }
  /** Left out and counted: see SkipReason. */
  | {
      readonly kind: 'skipped';
      readonly reason: SkipReason;
      /** The event type, when the message was read that far (a misrouted event). */
      readonly eventType: EventType | null;
      readonly detail: string;
    }
  /** A good event of a type this reader does not ask for: nothing to count. */
  | { readonly kind: 'ignored'; readonly eventType: EventType };

/**
 * The pure half of reading a message: what its decoding (an event, or the serde's poison error)
 * means to a reader that asks for `wanted` event types on `position.topic`.
 */
export function readingOf<K extends EventType>(
  decoded: DecodedEvent | PoisonMessageError,
  position: MessagePosition & { readonly key: string | null },
  wanted: ReadonlySet<K>,
  topicPrefix: string,
): Reading<K> {
  if (decoded instanceof PoisonMessageError)
    return {
      kind: 'skipped',
      // handler_error is never the serde's verdict; a message it names is still unreadable here.
      reason: decoded.reason === 'handler_error' ? 'undecodable' : decoded.reason,
      eventType: null,
      detail: decoded.message,
    };
  const unexpected = unexpectedEvent(position.topic, topicPrefix, decoded.eventType);
  if (unexpected)
    return {
      kind: 'skipped',
      reason: 'unexpected_event_type',
      eventType: decoded.eventType,
      detail: unexpected.message,
    };
  if (!wanted.has(decoded.eventType as K)) return { kind: 'ignored', eventType: decoded.eventType };
  // The serde's result is not a discriminated union; wanted.has narrowed the type to K.
  const event = { ...position, eventType: decoded.eventType, event: decoded.event };
  return { kind: 'event', event: event as LoggedEvent<K> };
}

/**
 * Decodes a message and says what it is to the reader (see readingOf). Errors that are not the
 * message's fault (the schema registry away) are thrown: the caller retries.
 */
export async function readMessage<K extends EventType>(
  serde: EventSerde,
  topic: string,
  partition: number,
  message: KafkaMessage,
  wanted: ReadonlySet<K>,
): Promise<Reading<K>> {
  let decoded: DecodedEvent | PoisonMessageError;
  try {
    decoded = await serde.decode(message.value);
  } catch (error) {
    if (!(error instanceof PoisonMessageError)) throw error;
    decoded = error;
  }
  const position = {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
  };
  return readingOf(decoded, position, wanted, serde.topicPrefix);
}

/**
 * What a reader left out, by reason, and (when given metrics) in
 * readmit_kafka_messages_skipped_total under the reader's name as its group: the event type of a
 * misrouted event, the reason for a message that could not be read as one.
 */
export class SkippedMessages {
  private readonly byReason = new Map<SkipReason, number>();

  constructor(
    private readonly group: string,
    private readonly metrics?: KafkaMetrics,
  ) {}

  count(topic: string, reason: SkipReason, eventType: EventType | null): void {
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    this.metrics?.skipped.inc({ topic, event_type: eventType ?? reason, group: this.group });
  }

  get counts(): SkipCounts {
    return Object.fromEntries(
      SKIP_REASONS.map((reason) => [reason, this.byReason.get(reason) ?? 0]),
    ) as Record<SkipReason, number>;
  }

  get total(): number {
    let total = 0;
    for (const count of this.byReason.values()) total += count;
    return total;
  }
}
