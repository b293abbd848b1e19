export * from './prediction';
export * from './score-batch';
