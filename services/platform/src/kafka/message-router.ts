import type { Envelope, EventType, EventTypeMap } from '@readmit/contracts';
import type { KafkaMessage } from 'kafkajs';
import { isBrokerUnavailable } from './broker-unavailable';
import { unexpectedEvent } from './event-validation';
import {
  PatientForgottenError,
  PoisonMessageError,
  isRetriable,
  type PoisonReason,
} from './kafka-errors';
import type { DecodedEvent, EventSerde } from './serde/event-serde';

/** Where a message came from, handed to every handler with the decoded event. */
export interface MessageContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly timestamp: string;
  readonly eventType: EventType;
  readonly envelope: Envelope;
  /**
   * Tells the group this member is alive. kafkajs heartbeats only between messages, so a
   * handler that works for longer than a few seconds calls it now and then.
   */
  readonly heartbeat: () => Promise<void>;
}

export type EventHandler<K extends EventType, R> = (
  event: EventTypeMap[K],
  context: MessageContext,
) => Promise<R>;

/**
 * Handlers by event type. An event the topic catalog lists for its topic but that has no handler
 * here is skipped (and counted); one it does not list is poison.
 */
export type EventHandlers<R = void> = { readonly [K in EventType]?: EventHandler<K, R> };

export type RouteOutcome<R> =
  | { readonly kind: 'handled'; readonly eventType: EventType; readonly result: R }
  | { readonly kind: 'skipped'; readonly eventType: EventType }
  | {
      readonly kind: 'poison';
      readonly eventType: EventType | 'unknown';
      readonly reason: PoisonReason;
      readonly error: string;
    };

/** Where a decoded message came from, as handlers see it. */
export function messageContextOf(
  topic: string,
  partition: number,
  message: KafkaMessage,
  decoded: DecodedEvent,
  heartbeat: () => Promise<void>,
): MessageContext {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString() : null,
    timestamp: message.timestamp,
    eventType: decoded.eventType,
    envelope: decoded.event.envelope,
    heartbeat,
  };
}

/**
 * Decodes one message and calls its handler. Bad messages come back as `poison` (to be
 * dead-lettered): undecodable ones, events that break their field rules (the serde's check),
 * events of a type the catalog does not list for the topic, and those a handler rejects. Errors
 * marked retriable are thrown so the caller retries the message.
 */
export async function routeMessage<R>(
  serde: EventSerde,
  handlers: EventHandlers<R>,
  topic: string,
  partition: number,
  message: KafkaMessage,
  heartbeat: () => Promise<void> = async () => undefined,
): Promise<RouteOutcome<R>> {
  let eventType: EventType | 'unknown' = 'unknown';
  try {
    const decoded = await serde.decode(message.value);
    eventType = decoded.eventType;
    const unexpected = unexpectedEvent(topic, serde.topicPrefix, decoded.eventType);
    if (unexpected) throw unexpected;
    const handler = handlers[decoded.eventType] as EventHandler<EventType, R> | undefined;
    if (!handler) return { kind: 'skipped', eventType: decoded.eventType };
    const context = messageContextOf(topic, partition, message, decoded, heartbeat);
    return {
      kind: 'handled',
      eventType: decoded.eventType,
      result: await handler(decoded.event, context),
    };
  } catch (error) {
    // A cluster that is away (e.g. a handler's publish) is retried, never dead-lettered.
    if (isRetriable(error) || isBrokerUnavailable(error)) throw error;
    // A forgotten patient's event is nobody's mistake: passed over, never dead-lettered.
    if (error instanceof PatientForgottenError)
      return { kind: 'skipped', eventType: error.eventType };
    if (error instanceof PoisonMessageError)
      return { kind: 'poison', eventType, reason: error.reason, error: error.message };
    return {
      kind: 'poison',
      eventType,
      reason: 'handler_error',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
