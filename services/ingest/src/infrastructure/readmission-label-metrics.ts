import type { ReadmissionClass } from '@readmit/contracts';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EncounterVerdict } from '../domain/readmission-labels/readmission-labeller';

/** The readmission labeller's Prometheus metrics. */
export class ReadmissionLabelMetrics {
  readonly derived: Counter<'readmitted'>;
  readonly encounters: Counter<'verdict'>;
  readonly excluded: Counter<'reason'>;
  readonly withheld: Counter;
  readonly rebuilds: Counter;
  readonly watermark: Gauge;
  readonly heldStays: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.derived = new Counter({
      name: 'readmit_ingest_derived_outcomes_total',
      help: 'OutcomeRecorded events the readmission labeller wrote (derivation DERIVED), by class.',
      labelNames: ['readmitted'],
      registers,
    });
    this.encounters = new Counter({
      name: 'readmit_ingest_labeller_encounters_total',
      help: 'Encounters the readmission labeller read, by verdict: tracked, late (tracked, admitted behind the watermark), undated, future, forgotten, duplicate.',
      labelNames: ['verdict'],
      registers,
    });
    this.excluded = new Counter({
      name: 'readmit_ingest_labeller_excluded_stays_total',
      help: 'Stays that get no label of their own, by reason: expired, hospice, transferred.',
      labelNames: ['reason'],
      registers,
    });
    this.withheld = new Counter({
      name: 'readmit_ingest_labeller_withheld_outcomes_total',
      help: 'Derived outcomes not written because their patient was forgotten meanwhile.',
      registers,
    });
    this.rebuilds = new Counter({
      name: 'readmit_ingest_labeller_rebuilds_total',
      help: 'Times the readmission labeller rebuilt its state from the log (each start and rebalance, and after a failed transaction).',
      registers,
    });
    this.watermark = new Gauge({
      name: 'readmit_ingest_labeller_watermark_seconds',
      help: 'The labeller watermark in event time (latest admission minus the allowed lateness), Unix seconds.',
      registers,
    });
    this.heldStays = new Gauge({
      name: 'readmit_ingest_labeller_held_stays',
      help: 'Dated stays the readmission labeller holds in memory.',
      registers,
    });
  }

  countEncounter(verdict: EncounterVerdict): void {
    if (verdict.kind === 'ignored') {
      this.encounters.inc({ verdict: verdict.reason });
      return;
    }
    this.encounters.inc({ verdict: verdict.late ? 'late' : 'tracked' });
    if (verdict.exclusion) this.excluded.inc({ reason: verdict.exclusion });
  }

  countDerived(readmitted: ReadmissionClass): void {
    this.derived.inc({ readmitted });
  }
}
