/** `@readmit/platform/onnx`: ONNX scoring with onnxruntime-node. */
export * from './onnx-scorer';
