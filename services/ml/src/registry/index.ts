export * from './promotion-policy';
export * from './registry-state';
export * from './serving-pointers';
export * from './evidence';
