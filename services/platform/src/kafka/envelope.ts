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

/** Kafka headers mirroring the envelope, so tools can route and trace without decoding Avro. */
export function envelopeHeaders(envelope: Envelope): Record<string, string> {
  const headers: Record<string, string> = {
    eventType: envelope.eventType,
    eventId: envelope.eventId,
    correlationId: envelope.correlationId,
    producer: envelope.producer,
    'content-type': 'application/vnd.readmit.avro',
  };
  if (envelope.causationId) headers.causationId = envelope.causationId;
  return headers;
}
