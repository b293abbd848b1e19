export * from './model-artifact';
