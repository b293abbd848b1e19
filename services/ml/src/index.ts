export * from './random/seeded-random';
export * from './drift/population-stability-index';
export * from './matrix/dense-matrix';
export * from './metrics/index';
export * from './linear/index';
export * from './features/index';
export * from './onnx/index';
