import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../workers/start-worker';
import { packMessages, type PackableMessage, type PackedMessages } from './packed-messages';
import type {
  TransactionReply,
  TransactionRequest,
  TransactionSettings,
} from './transaction-protocol';

export type OffThreadTransactionsOptions = Omit<TransactionSettings, 'logLevel'> & {
  readonly logLevel?: string;
};

/**
 * A transactional producer on a worker thread: each `commit` is one Kafka transaction holding the
 * given messages (split into produce requests the broker accepts), and resolves once committed.
 * The calling thread keeps only Avro encoding; kafkajs's per-message work (record batches, CRCs,
 * partitioning) runs on another core. Transactions run one at a time in the order asked, and
 * several may be asked for at once; once one fails, every later one is refused until the next
 * `fence`, so a later checkpoint never commits over a lost chunk. The transactional id fences
 * any earlier holder, as an in-thread producer's would.
 */
export class OffThreadTransactions {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: () => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | null = null;
  private closed: Promise<void> | null = null;

  constructor(options: OffThreadTransactionsOptions) {
    const settings: TransactionSettings = { ...options, logLevel: options.logLevel ?? 'warn' };
    this.worker = startWorker(join(__dirname, 'transaction.worker'), __filename, settings);
    this.worker.on('message', (reply: TransactionReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      if (!this.closed || code !== 0)
        this.failAll(new Error(`the Kafka transaction thread stopped (exit code ${code})`));
    });
  }

  /** Connects, and aborts any transaction a predecessor with this transactional id left open. */
  fence(): Promise<void> {
    return this.ask((id) => ({ type: 'fence', id }));
  }

  /**
   * Commits the messages in one transaction (in their order within each topic): given one by
   * one, or already packed (a PackWriter's batch; its buffer is transferred, so not reusable).
   */
  commit(messages: readonly PackableMessage[] | PackedMessages): Promise<void> {
    const batch = Array.isArray(messages)
      ? packMessages(messages as readonly PackableMessage[])
      : (messages as PackedMessages);
    return this.ask((id) => ({ type: 'commit', id, batch }), [batch.buffer]);
  }

  /** Waits for the transactions asked for, then stops the producer and its thread. */
  disconnect(): Promise<void> {
    this.closed ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      const request: TransactionRequest = { type: 'close' };
      this.worker.postMessage(request);
      await stopped;
    })();
    return this.closed;
  }

  private ask(
    request: (id: number) => TransactionRequest,
    transfer: ArrayBuffer[] = [],
  ): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the transaction thread is closed'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request(id), transfer);
    });
  }

  private onReply(reply: TransactionReply): void {
    if (reply.type === 'closed') return;
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.type === 'done') waiting.resolve();
    else waiting.reject(new Error(reply.message));
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
