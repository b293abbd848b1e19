import { DEAD_LETTER_SUFFIX } from '@readmit/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { PoisonReason } from './kafka-errors';

/** Header names on dead letters (the original headers are kept beside them). */
export const DLQ_HEADERS = {
  reason: 'readmit.dlq.reason',
  error: 'readmit.dlq.error',
  sourceTopic: 'readmit.dlq.source.topic',
  sourcePartition: 'readmit.dlq.source.partition',
  sourceOffset: 'readmit.dlq.source.offset',
  group: 'readmit.dlq.consumer.group',
  failedAt: 'readmit.dlq.failed.at',
} as const;

export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly group: string;
}

/** The dead-letter record: the raw bytes and key, the reason and where the message came from. */
export function deadLetterOf(
  source: DeadLetterSource,
  reason: PoisonReason,
  error: string,
  now = Date.now(),
): { topic: string; message: Message } {
  const headers: IHeaders = {
    ...(source.message.headers ?? {}),
    [DLQ_HEADERS.reason]: reason,
    // Errors never carry field values of patient records (see EventSerde and handlers), only paths and types.
    [DLQ_HEADERS.error]: error.slice(0, 2_000),
    [DLQ_HEADERS.sourceTopic]: source.topic,
    [DLQ_HEADERS.sourcePartition]: String(source.partition),
    [DLQ_HEADERS.sourceOffset]: source.message.offset,
    [DLQ_HEADERS.group]: source.group,
    [DLQ_HEADERS.failedAt]: new Date(now).toISOString(),
  };
  return {
    topic: `${source.topic}${DEAD_LETTER_SUFFIX}`,
    message: { key: source.message.key, value: source.message.value, headers },
  };
}
