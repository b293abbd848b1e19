export * from './icd9-groups';
export * from './encounter-features';
export * from './feature-spec';
export * from './target';
export * from './encounter-rules';
export * from './encounter-cells';
