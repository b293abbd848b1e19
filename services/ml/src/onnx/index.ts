export * from './protobuf-writer';
export * from './onnx-model';
export * from './export-logistic-regression';
export * from './protobuf-reader';
export * from './export-gbdt';
