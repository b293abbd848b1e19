import type { AuditRecorded } from '@readmit/contracts';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { newEnvelope } from '../kafka/envelope';
import type { EventPublisher } from '../kafka/event-publisher';

/**
 * Appends audit records to readmit.audit. Recording never delays or changes the answer already
 * given; a record that cannot be written is logged (without the request's path) and counted,
 * so an operator alerts on `readmit_audit_records_total{result="lost"}`.
 */
export class AuditTrail {
  private readonly records: Counter<'outcome' | 'result'>;
  private readonly pending = new Set<Promise<void>>();
  /** Off in a service without state-changing routes: nothing there to record. */
  private enabled = false;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    registry: Registry,
    private readonly producer: string,
  ) {
    this.records = new Counter({
      name: 'readmit_audit_records_total',
      help: 'Audit records of answered requests, by outcome (succeeded, refused, rejected, failed) and result (written, lost).',
      labelNames: ['outcome', 'result'],
      registers: [registry],
    });
  }

  /** Records from now on (once the topic and schema are known to be there). */
  enable(): void {
    this.enabled = true;
  }

  record(fields: Omit<AuditRecorded, 'envelope'>): void {
    if (!this.enabled) return;
    const event: AuditRecorded = {
      envelope: newEnvelope('AuditRecorded', {
        producer: this.producer,
        correlationId: fields.requestId ?? undefined,
      }),
      ...fields,
    };
    const written = this.publisher
      .publish('AuditRecorded', fields.principal, event)
      .then(() => void this.records.inc({ outcome: fields.outcome, result: 'written' }))
      .catch((error: unknown) => {
        this.records.inc({ outcome: fields.outcome, result: 'lost' });
        this.logger.error(
          { err: error, action: fields.action, principal: fields.principal },
          'audit record could not be written',
        );
      })
      .finally(() => this.pending.delete(written));
    this.pending.add(written);
  }

  /** Waits for the records in flight (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
