// The registry's public entry: what other programs (the CLI, benches) may use without reaching
// into its source. Only pure domain code here, so importing it loads no Nest, Kafka or database.
export * from './domain/evidence';
export * from './domain/promotion-policy';
export * from './domain/registry-state';
