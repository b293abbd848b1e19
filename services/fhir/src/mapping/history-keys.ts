import type { Pseudonymize } from '@readmit/contracts';
import { canonicalTextId } from '@readmit/ml';
import type { Encounter, MedicationRequest, Reference } from './fhir-r4';
import { encounterIdentifierOf, referencedEncounterIdentifier } from './identity';
import type { MedicationColumn } from './patient-history';
import type { Entry, ResourceIndex } from './resource-index';

/**
 * Pseudonyms, each computed once per run: a keyed hash per call, and a patient's key is asked for
 * by every one of their resources.
 */
export class PseudonymCache {
  private readonly patients = new Map<string, string>();
  private readonly encounters = new Map<string, string>();

  constructor(private readonly pseudonymize: Pseudonymize) {}

  patient(clearId: string): string {
    let pseudonym = this.patients.get(clearId);
    if (pseudonym === undefined) {
      pseudonym = this.pseudonymize('patient', clearId);
      this.patients.set(clearId, pseudonym);
    }
    return pseudonym;
  }

  encounter(clearId: string): string {
    let pseudonym = this.encounters.get(clearId);
    if (pseudonym === undefined) {
      pseudonym = this.pseudonymize('encounter', clearId);
      this.encounters.set(clearId, pseudonym);
    }
    return pseudonym;
  }
}

/** The `Type/id` that ends an absolute or versioned reference. */
const LOCAL_REFERENCE = /([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/[^/]*)?$/;

/**
 * The clear text a visit's key is made of: its visit number (so the key is the encounter_id
 * pseudonym of the event it becomes), else `Encounter/<id>`, else its fullUrl (temporary
 * `urn:uuid` ones name the visit within one input only).
 */
export function visitKeyText(
  encounter: Entry<Encounter>,
  index: ResourceIndex,
): string | undefined {
  const number = encounterIdentifierOf(encounter.resource.identifier, index.options);
  if (number !== null) return number;
  if (encounter.resource.id !== undefined) return `Encounter/${encounter.resource.id}`;
  return encounter.fullUrl;
}

/** The clear text of the key of the visit a reference names (Encounter.partOf). */
export function referencedVisitKeyText(
  reference: Reference | undefined,
  index: ResourceIndex,
): string | undefined {
  if (reference === undefined) return undefined;
  const inInput = index.encounterOf(reference);
  if (inInput !== undefined) return visitKeyText(inInput, index);
  const number = referencedEncounterIdentifier(reference, index.options);
  if (number !== null) return number;
  const text = reference.reference;
  if (text === undefined) return undefined;
  return LOCAL_REFERENCE.exec(text)?.[1] ?? text;
}

/**
 * The clear text an order's key is made of: its identifier (prefixed, so it never shares a
 * pseudonym with a visit number), else `MedicationRequest/<id>`, else its fullUrl; with the column
 * appended when the request feeds several.
 */
export function orderKeyText(
  request: Entry<MedicationRequest>,
  column: MedicationColumn,
  columns: number,
): string | undefined {
  const identifier = request.resource.identifier?.find((i) => i.value !== undefined);
  const clear =
    identifier !== undefined
      ? `MedicationRequest|${identifier.system ?? ''}|${canonicalTextId(identifier.value) ?? ''}`
      : request.resource.id !== undefined
        ? `MedicationRequest/${request.resource.id}`
        : request.fullUrl;
  if (clear === undefined) return undefined;
  return columns > 1 ? `${clear} ${column}` : clear;
}
