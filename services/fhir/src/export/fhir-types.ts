import type { Resource } from '../mapping/fhir-r4';

/**
 * The @medplum/fhirtypes types the exporter needs beyond the mapping's (mapping/fhir-r4.ts, which
 * says why the resolution-mode attribute is there).
 */
export type { Dosage } from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };

/** `Patient`, `Encounter`, …: the type names of R4 resources. */
export type ResourceType = Resource['resourceType'];
