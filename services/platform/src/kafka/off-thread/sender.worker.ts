// The Kafka side of OffThreadPublisher: a worker thread that owns an idempotent kafkajs producer
// and sends the packed batches it receives, one at a time and in order.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../logging/logger';
import { createKafkaClient, reliableProducerConfig } from '../kafka-client.factory';
import { unpackMessages } from './packed-messages';
import type { SenderReply, SenderRequest, SenderSettings } from './sender-protocol';

const settings = workerData as SenderSettings;
const port = parentPort;
if (!port) throw new Error('sender.worker runs as a worker thread');

const logger = createLogger({ service: settings.clientId, level: settings.logLevel });
const producer = createKafkaClient(
  { brokers: settings.brokers, clientId: settings.clientId, security: settings.security },
  logger,
).producer(reliableProducerConfig());
const reply = (message: SenderReply) => port.postMessage(message);

// Sends are chained: one produce request at a time keeps per-partition order across batches.
let queue: Promise<void> = producer.connect();

port.on('message', (request: SenderRequest) => {
  if (request.type === 'close') {
    queue = queue
      .then(() => producer.disconnect())
      .catch((error: unknown) => logger.warn({ err: error }, 'disconnect failed'))
      .then(() => {
        reply({ type: 'closed' });
        port.close();
      });
    return;
  }
  queue = queue
    .then(() => producer.sendBatch({ topicMessages: unpackMessages(request.batch), acks: -1 }))
    .then(
      () => reply({ type: 'sent', id: request.id }),
      (error: unknown) =>
        reply({ type: 'failed', id: request.id, message: (error as Error).message }),
    );
});
