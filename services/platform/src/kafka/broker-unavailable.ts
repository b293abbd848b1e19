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
