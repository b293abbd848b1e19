import { PLAINTEXT, type KafkaSecurity } from '../config/kafka-security-config';
import { kafkaConnectionSecurity } from './kafka-security';
import { socketWithoutDelay } from './socket-factory';
import {
  Kafka,
  logLevel,
  Partitioners,
  type LogEntry,
  type logCreator,
  type ProducerConfig,
} from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** TLS and SASL (READMIT_KAFKA_TLS…, READMIT_KAFKA_SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
  /** How long to wait for a broker connection before failing, in ms. */
  readonly connectionTimeoutMs?: number;
}

const levelNames: Record<logLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'error',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * What kafkajs logs as an error but is the normal course of a transactional producer: the next
 * transaction's first write is refused until the coordinator has finished the previous commit
 * (CONCURRENT_TRANSACTIONS), and kafkajs retries it within milliseconds. On a replicated cluster
 * that is once or twice per transaction: at error level it would bury real errors.
 */
const ROUTINE_RETRY = /another concurrent operation on the same transaction was ongoing/;

/** The level a kafkajs line is logged at: its own, except routine retries (debug). */
export function kafkajsLogLevel(
  level: logLevel,
  log: LogEntry['log'],
): 'error' | 'warn' | 'info' | 'debug' {
  const error = (log as { error?: unknown }).error;
  const text = `${log.message} ${typeof error === 'string' ? error : ''}`;
  return ROUTINE_RETRY.test(text) ? 'debug' : levelNames[level];
}

/** kafkajs logs through the service's structured logger, namespaced like kafkajs does. */
function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      logger[kafkajsLogLevel(level, log)]({ component: `kafkajs.${namespace}`, ...extra }, message);
    };
}

/**
 * The one place that builds a kafkajs client. Services depend on the platform's Kafka module,
 * never on kafkajs directly, so the client library can be swapped (docs/events.md, The Kafka
 * layer: a kafkajs successor).
 */
export function createKafkaClient(settings: KafkaClientSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ...kafkaConnectionSecurity(settings.security ?? PLAINTEXT),
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
    // About 25 s of retries in all (as 8 doubling retries gave), but never more than 2 s
    // between two tries: a broker that comes back is found within 2 s, not after a 6-13 s wait.
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 15 },
    socketFactory: socketWithoutDelay,
  });
}

/**
 * Settings for every producer of ours: idempotent (no duplicates on retry), the Java client's
 * murmur2 partitioner (a key lands on the same partition whichever client wrote it), and
 * retries without a count limit, which idempotence needs to keep its ordering guarantee; the
 * delay between retries is capped instead.
 */
export function reliableProducerConfig(options: { transactionalId?: string } = {}): ProducerConfig {
  return {
    idempotent: true,
    transactionalId: options.transactionalId,
    maxInFlightRequests: options.transactionalId ? 1 : 5,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: {
      retries: Number.MAX_SAFE_INTEGER,
      // A transaction's first write is refused (CONCURRENT_TRANSACTIONS) until the coordinator
      // has finished the previous commit, which on a replicated cluster takes tens of ms; the
      // Java client retries that after 20 ms. At kafkajs's 100 ms every transaction waited
      // that long. Later retries still back off exponentially to the cap.
      initialRetryTime: options.transactionalId ? 25 : 100,
      maxRetryTime: 5_000,
    },
  };
}
