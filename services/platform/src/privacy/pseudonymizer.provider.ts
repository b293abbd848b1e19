import type { Provider } from '@nestjs/common';
import { SERVICE_CONFIG } from '../bootstrap/platform.tokens';
import type { PseudonymKey } from './pseudonym-key';
import { Pseudonymizer } from './pseudonymizer';

/** Injects the service's Pseudonymizer. */
export const PSEUDONYMIZER = Symbol('PSEUDONYMIZER');

/**
 * The Pseudonymizer of a service whose environment schema has READMIT_PSEUDONYM_KEY
 * (pseudonymKeyField): the services that take identifiers in from outside (ingest, the gateway).
 */
export const pseudonymizerProvider: Provider = {
  provide: PSEUDONYMIZER,
  inject: [SERVICE_CONFIG],
  useFactory: (config: { readonly READMIT_PSEUDONYM_KEY: PseudonymKey }) =>
    new Pseudonymizer(config.READMIT_PSEUDONYM_KEY),
};
