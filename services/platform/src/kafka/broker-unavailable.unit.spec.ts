import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import {
  isBrokerUnavailable,
  isIndefiniteOutcome,
  unavailableAsRetriable,
} from './broker-unavailable';
import { isRetriable, RetriableKafkaError } from './kafka-errors';

/** kafkajs's wrapper once its retries run out (its typings omit the options argument). */
function nonRetriable(cause: Error): Error {
  return Object.assign(new KafkaJSNonRetriableError(cause), { cause });
}

describe('isBrokerUnavailable', () => {
  it('sees a connection error through the non-retriable wrapper kafkajs puts on it', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const wrapped = nonRetriable(refused);
    expect(isRetriable(wrapped)).toBe(false);
    expect(isBrokerUnavailable(wrapped)).toBe(true);
  });

  it('leaves errors about the message or the request alone', () => {
    // What kafkajs raises for a record the broker refuses: about the message, not the cluster.
    const tooLarge = Object.assign(
      new Error('The request included a message larger than the max'),
      {
        name: 'KafkaJSProtocolError',
        type: 'MESSAGE_TOO_LARGE',
        retriable: false,
      },
    );
    expect(isBrokerUnavailable(tooLarge)).toBe(false);
    expect(isBrokerUnavailable(new Error('Invalid value for field age'))).toBe(false);
    expect(isBrokerUnavailable(undefined)).toBe(false);
  });

  it('turns an unreachable cluster into a retriable error and passes others through', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const converted = unavailableAsRetriable(nonRetriable(refused), 'publishing events');
    expect(converted).toBeInstanceOf(RetriableKafkaError);
    expect((converted as Error).message).toContain('publishing events: Kafka is unavailable');
    const other = new Error('bad');
    expect(unavailableAsRetriable(other, 'x')).toBe(other);
  });
});

describe('isIndefiniteOutcome', () => {
  const protocolError = (type: string) =>
    Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable: true });

  it('sees a timeout or a lost connection, also inside the retries kafkajs wraps around them', () => {
    const timeout = Object.assign(new Error('Request timed out'), {
      name: 'KafkaJSRequestTimeoutError',
    });
    const exhausted = Object.assign(new Error('retries exhausted'), {
      name: 'KafkaJSNonRetriableError',
      originalError: protocolError('NOT_ENOUGH_REPLICAS_AFTER_APPEND'),
    });
    expect(isIndefiniteOutcome(timeout)).toBe(true);
    expect(isIndefiniteOutcome(exhausted)).toBe(true);
    expect(
      isIndefiniteOutcome(new Error('wrapped', { cause: protocolError('REQUEST_TIMED_OUT') })),
    ).toBe(true);
    expect(isIndefiniteOutcome(protocolError('UNKNOWN_PRODUCER_ID'))).toBe(true);
  });

  it('leaves failures that certainly wrote nothing alone', () => {
    expect(isIndefiniteOutcome(protocolError('NOT_LEADER_FOR_PARTITION'))).toBe(false);
    expect(isIndefiniteOutcome(protocolError('NOT_ENOUGH_REPLICAS'))).toBe(false);
    expect(isIndefiniteOutcome(new Error('the model rejected the batch'))).toBe(false);
    expect(isIndefiniteOutcome(undefined)).toBe(false);
  });
});
