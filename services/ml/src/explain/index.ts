export * from './model-explainer';
