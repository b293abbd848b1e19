// The Kafka side of OffThreadTransactions: a worker thread that owns a transactional kafkajs
// producer and commits each packed batch it receives as one transaction, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../logging/logger';
import { createKafkaClient, reliableProducerConfig } from '../kafka-client.factory';
import { splitIntoRequests } from '../produce-requests';
import { unpackMessages } from './packed-messages';
import type {
  TransactionReply,
  TransactionRequest,
  TransactionSettings,
} from './transaction-protocol';

const settings = workerData as TransactionSettings;
const port = parentPort;
if (!port) throw new Error('transaction.worker runs as a worker thread');

const logger = createLogger({ service: settings.clientId, level: settings.logLevel });
const kafka = createKafkaClient(
  { brokers: settings.brokers, clientId: settings.clientId, security: settings.security },
  logger,
);
const newProducer = () =>
  kafka.producer({
    ...reliableProducerConfig({ transactionalId: settings.transactionalId }),
    transactionTimeout: settings.transactionTimeoutMs,
  });
let producer = newProducer();
const reply = (message: TransactionReply) => port.postMessage(message);

async function commit(request: Extract<TransactionRequest, { type: 'commit' }>): Promise<void> {
  const transaction = await producer.transaction();
  try {
    for (const topicMessages of splitIntoRequests(unpackMessages(request.batch)))
      await transaction.sendBatch({ topicMessages });
    await transaction.commit();
  } catch (error) {
    await transaction.abort().catch(() => undefined);
    throw error;
  }
}

// Chained: one transaction at a time, in the order asked.
let queue: Promise<void> = producer.connect();
/**
 * The first failed commit. Every later one is refused: a caller may hand over several at once,
 * and a later transaction's checkpoint must never commit over an earlier one that was lost.
 * A fence starts afresh.
 */
let failure: string | null = null;
/**
 * Set when a commit failed: its producer may hold a transaction in an unknown state (a request
 * timed out, the abort failed). The next fence starts a new producer with the same
 * transactional id, whose initialisation fences the old one and aborts what it left open,
 * instead of retrying on a producer Kafka's guidance says to close.
 */
let producerSuspect = false;

async function fence(): Promise<void> {
  failure = null;
  if (producerSuspect) {
    const suspect = producer;
    producer = newProducer();
    await suspect.disconnect().catch(() => undefined);
    await producer.connect();
    producerSuspect = false;
    logger.info('transactional producer replaced after a failed transaction');
  }
  await (await producer.transaction()).abort();
}

port.on('message', (request: TransactionRequest) => {
  if (request.type === 'close') {
    queue = queue
      .catch(() => undefined)
      .then(() => producer.disconnect())
      .catch((error: unknown) => logger.warn({ err: error }, 'disconnect failed'))
      .then(() => {
        reply({ type: 'closed' });
        port.close();
      });
    return;
  }
  const work =
    request.type === 'fence'
      ? fence
      : async () => {
          if (failure !== null) throw new Error(`an earlier transaction failed: ${failure}`);
          await commit(request);
        };
  queue = queue
    .catch(() => undefined)
    .then(work)
    .then(
      () => reply({ type: 'done', id: request.id }),
      (error: unknown) => {
        const message = (error as Error).message;
        if (request.type === 'commit') failure ??= message;
        producerSuspect = true;
        reply({ type: 'failed', id: request.id, message });
      },
    );
});
