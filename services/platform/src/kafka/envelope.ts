import { randomUUID } from 'node:crypto';
import type { Envelope, EventType } from '@readmit/contracts';

export interface EnvelopeOptions {
  /** The service writing the event, e.g. `ingest@0.1.0`. */
  readonly producer: string;
  /** The flow this event belongs to; a new flow starts with a new id. */
  readonly correlationId?: string;
  /** The event that caused this one. */
  readonly causedBy?: Envelope;
  readonly occurredAt?: number;
}

/** A new envelope; a caused event inherits the correlation id of its cause. */
export function newEnvelope(eventType: EventType, options: EnvelopeOptions): Envelope {
  const eventId = randomUUID();
  return {
    eventId,
    eventType,
    occurredAt: options.occurredAt ?? Date.now(),
    correlationId: options.causedBy?.correlationId ?? options.correlationId ?? eventId,
    causationId: options.causedBy?.eventId ?? null,
    producer: options.producer,
  };
}

/** One header buffer per event type, made once: kafkajs would otherwise encode the string per message. */
const eventTypeHeaders = new Map<string, Buffer>();

/**
 * Kafka headers: the event type only, so a message can be routed or inspected without decoding
 * Avro. Correlation and causation ids travel in the Avro envelope, not in headers: kafkajs spends
 * several microseconds on each header, more than on the Avro body (bench/README.md), and
 * nothing reads them before decoding.
 */
export function envelopeHeaders(envelope: Envelope): { eventType: Buffer } {
  let eventType = eventTypeHeaders.get(envelope.eventType);
  if (!eventType) {
    eventType = Buffer.from(envelope.eventType);
    eventTypeHeaders.set(envelope.eventType, eventType);
  }
  return { eventType };
}
