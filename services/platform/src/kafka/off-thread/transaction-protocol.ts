import type { KafkaSecurity } from '../../config/kafka-security-config';
import type { PackedMessages } from './packed-messages';

/** What the transaction thread is started with. */
export interface TransactionSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logLevel: string;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  /** TLS and SASL to the brokers (the service's READMIT_KAFKA_TLS…, _SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
}

export type TransactionRequest =
  /** Connects and aborts whatever a predecessor with the same transactional id left open. */
  | { readonly type: 'fence'; readonly id: number }
  /** One transaction holding the batch's messages, committed. */
  | { readonly type: 'commit'; readonly id: number; readonly batch: PackedMessages }
  | { readonly type: 'close' };

export type TransactionReply =
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'closed' };
