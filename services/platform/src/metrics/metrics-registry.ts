import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One prom-client registry per service, with the Node.js process metrics under the `readmit_`
 * prefix and the service name as a default label, so dashboards can tell the services apart.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'readmit_' });
  return registry;
}
