import { Counter, Histogram, type Registry } from 'prom-client';

/** The registry's Prometheus metrics for its decisions (the orchestrator has its own). */
export class RegistryMetrics {
  readonly decisions: Counter<'outcome'>;
  readonly decisionSeconds: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.decisions = new Counter({
      name: 'readmit_registry_decisions_total',
      help: 'Registry decisions and commands by outcome: promoted, rejected, rolled-back, challenger, unchanged, refused (409/404) or failed.',
      labelNames: ['outcome'],
      registers,
    });
    this.decisionSeconds = new Histogram({
      name: 'readmit_registry_decision_seconds',
      help: 'Time to decide: the model lock, reading the registry from the log, verifying the artifact and publishing.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
