export * from './prediction';
export * from './score-batch';
export * from './serving-pointers';
