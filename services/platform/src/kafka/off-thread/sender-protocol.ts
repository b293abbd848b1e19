import type { KafkaSecurity } from '../../config/kafka-security-config';
import type { PackedMessages } from './packed-messages';

/** What the sender thread is started with. */
export interface SenderSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logLevel: string;
  /** TLS and SASL to the brokers (the service's READMIT_KAFKA_TLS…, _SASL…); plaintext when absent. */
  readonly security?: KafkaSecurity;
}

export type SenderRequest =
  | { readonly type: 'send'; readonly id: number; readonly batch: PackedMessages }
  | { readonly type: 'close' };

export type SenderReply =
  | { readonly type: 'sent'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'closed' };
