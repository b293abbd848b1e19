export * from './drift-spec';
export * from './encounter-profile';
export * from './synthetic-encounters';
export * from './synthetic-rows';
export * from './sample-profile';
