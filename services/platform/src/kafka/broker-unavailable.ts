import { RetriableKafkaError } from './kafka-errors';

/** kafkajs errors that mean "the cluster cannot be reached now", not "this message is bad". */
const UNAVAILABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * True when an error, or any error in its `cause` chain, says the cluster is unreachable. kafkajs
 * wraps a connection error in a KafkaJSNonRetriableError once its own retries run out, which
 * would otherwise read as "give up" to our consumers (and dead-letter a good message).
 */
export function isBrokerUnavailable(error: unknown): boolean {
  for (let link: unknown = error, depth = 0; link && depth < 10; depth++) {
    const { name, retriable, cause } = link as {
      name?: unknown;
      retriable?: unknown;
      cause?: unknown;
    };
    if (typeof name === 'string' && UNAVAILABLE.has(name)) return true;
    if (retriable === true && typeof name === 'string' && name.startsWith('KafkaJS')) return true;
    link = cause;
  }
  return false;
}

/** The error to throw instead: retriable when the cluster was unreachable, else the error itself. */
export function unavailableAsRetriable(error: unknown, what: string): unknown {
  if (!isBrokerUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new RetriableKafkaError(`${what}: Kafka is unavailable (${reason})`, { cause: error });
}

/** Protocol errors after which a transactional producer's state on the broker is unknown. */
const INDEFINITE_PROTOCOL_ERRORS = new Set([
  // Written to the leader, perhaps not to enough replicas, perhaps retried: outcome unknown.
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NETWORK_EXCEPTION',
  // The broker lost or no longer accepts the producer's sequence or epoch.
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_TXN_STATE',
]);

const INDEFINITE_ERRORS = new Set([
  'KafkaJSRequestTimeoutError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNumberOfRetriesExceeded',
]);

/**
 * True when a failed request may or may not have taken effect on the broker (a timeout, a
 * connection closed under it, retries that ran out), or when the broker says the producer's
 * sequence or epoch is lost. A transactional producer that saw one cannot know what its
 * transaction holds: Kafka's own guidance (and its transactions system test) is to close it and
 * start a new one with the same transactional id, which fences the old and aborts what it left.
 */
export function isIndefiniteOutcome(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 20) {
    const link = pending.pop();
    if (!link || typeof link !== 'object' || seen.has(link)) continue;
    seen.add(link);
    const { name, type, cause, originalError } = link as {
      name?: unknown;
      type?: unknown;
      cause?: unknown;
      originalError?: unknown;
    };
    if (typeof name === 'string' && INDEFINITE_ERRORS.has(name)) return true;
    if (typeof type === 'string' && INDEFINITE_PROTOCOL_ERRORS.has(type)) return true;
    pending.push(cause, originalError);
  }
  return false;
}
