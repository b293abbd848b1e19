// The registry's public entry (@readmit/registry): what other programs (the CLI, benches) may use
// without reaching into its source. First the pure domain, then what the CLI's `models` command
// calls to decide on the log in its own process, and the projection `readmit projections` rebuilds
// (those load the platform's adapters).
export * from './domain/evidence';
export * from './domain/promotion-policy';
export * from './domain/registry-state';
export {
  ModelRegistry,
  RegistryCommandError,
  type RegistryOutcome,
} from './application/model-registry';
export { REGISTRY_PRODUCER } from './application/model-registry.provider';
export { readRegistry } from './infrastructure/registry-log';
export { promotionPolicyOf, registryEnvSchema } from './registry.config';
export { registryProjection } from './projections/registry/registry.projection';
