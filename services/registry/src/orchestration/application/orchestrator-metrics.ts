import { Counter, Gauge, type Registry } from 'prom-client';

/** What the orchestrator reports on /metrics. */
export interface OrchestratorMetrics {
  readonly decisions: Counter<'decision'>;
  readonly pendingSignals: Gauge;
  readonly active: Gauge;
}

export function orchestratorMetrics(registry: Registry): OrchestratorMetrics {
  return {
    decisions: new Counter({
      name: 'readmit_retraining_decisions_total',
      help: 'Retraining policy decisions acted on by the active orchestrator: request, wait or ignore.',
      labelNames: ['decision'],
      registers: [registry],
    }),
    pendingSignals: new Gauge({
      name: 'readmit_retraining_pending_signals',
      help: 'BatchArrived and DriftDetected events gathered for the next training request.',
      registers: [registry],
    }),
    active: new Gauge({
      name: 'readmit_retraining_orchestrator_active',
      help: '1 while this instance is the active retraining orchestrator, 0 while it stands by.',
      registers: [registry],
    }),
  };
}
