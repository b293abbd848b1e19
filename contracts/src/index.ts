export * from './avro-schema';
export * from './generated/events';
export * from './generated/schemas';
export * from './topics';
export * from './wire-format';
export * from './examples';
export * from './scoring-rpc';
