/** `@readmit/platform/privacy`: Keyed pseudonyms of patient identifiers and the site key behind them. */
export * from './pseudonym-key';
export * from './pseudonymizer';
export * from './pseudonym-key-from-env';
export * from './pseudonymizer.provider';
