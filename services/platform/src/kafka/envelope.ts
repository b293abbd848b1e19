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

/**
 * Kafka headers for routing and tracing without decoding Avro: the event type and the
 * correlation and causation ids. The rest of the envelope stays in the payload: kafkajs spends
 * more on each extra header than on the Avro body (bench/README.md).
 */
export function envelopeHeaders(envelope: Envelope): Record<string, string> {
  const headers: Record<string, string> = {
    eventType: envelope.eventType,
    correlationId: envelope.correlationId,
  };
  if (envelope.causationId) headers.causationId = envelope.causationId;
  return headers;
}
