// Serving a model: following what serves (the champion follower) and loading a registered
// version into onnxruntime (`@readmit/platform/serving`).
// The prediction rule and the batch-then-row scoring fallback are pure: `@readmit/ml`'s serving.
export * from './model-loader';
export * from './serving-fold';
export * from './champion-follower';
