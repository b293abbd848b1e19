import { logLevel } from 'kafkajs';
import { kafkajsLogLevel } from './kafka-client.factory';

describe('kafkajs log levels', () => {
  const concurrent =
    'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';

  it('logs the routine retry of a transaction still being committed at debug, both of its lines', () => {
    const connectionLine = {
      timestamp: '',
      logger: 'kafkajs',
      message: 'Response AddPartitionsToTxn(key: 24, version: 1)',
      error: concurrent,
    };
    const producerLine = {
      timestamp: '',
      logger: 'kafkajs',
      message: `Failed to send messages: ${concurrent}`,
    };
    expect(kafkajsLogLevel(logLevel.ERROR, connectionLine)).toBe('debug');
    expect(kafkajsLogLevel(logLevel.ERROR, producerLine)).toBe('debug');
  });

  it('keeps every other line at the level kafkajs gave it', () => {
    const refused = {
      timestamp: '',
      logger: 'kafkajs',
      message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    };
    expect(kafkajsLogLevel(logLevel.ERROR, refused)).toBe('error');
    expect(
      kafkajsLogLevel(logLevel.WARN, {
        timestamp: '',
        logger: 'kafkajs',
        message: 'The group is rebalancing, re-joining',
      }),
    ).toBe('warn');
  });
});
