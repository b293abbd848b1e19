/** `@readmit/platform/metrics`: /metrics: the Prometheus registry of a service and its controller. */
export * from './metrics-registry';
export * from './metrics.controller';
