export * from './random/seeded-random';
export * from './drift/population-stability-index';
