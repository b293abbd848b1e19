import type { Reference, Resource } from '../mapping/fhir-r4';
import type { ResourceType } from './fhir-types';

/** What a FHIR id may hold: letters, digits, `-` and `.`, at most 64 of them. */
const NOT_ID_CHARACTER = /[^A-Za-z0-9\-.]/g;

/**
 * A resource id made of its parts (`e149190-lab-3`): stable across runs, so exporting the same
 * rows twice gives the same resources and references. Ids are server-local in FHIR; the mapper
 * reads identifiers, never ids.
 */
export function resourceId(prefix: string, ...parts: readonly (string | number)[]): string {
  const id = [`${prefix}${parts[0] ?? ''}`, ...parts.slice(1)]
    .join('-')
    .replace(NOT_ID_CHARACTER, '-');
  if (id.length > 64) throw new Error(`a resource id of ${id.length} characters: FHIR allows 64`);
  return id;
}

/** A relative reference `Type/id`, the form NDJSON files and collection bundles use. */
export function reference<K extends ResourceType>(
  type: K,
  id: string,
): Reference<Extract<Resource, { resourceType: K }>> {
  return { reference: `${type}/${id}` };
}
