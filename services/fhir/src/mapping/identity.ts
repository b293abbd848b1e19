import { canonicalTextId } from '@readmit/ml';
import { SYSTEM } from './code-systems';
import type { Identifier, Reference } from './fhir-r4';

/** The business identifiers the mapping reads (docs/fhir-mapping.md, Identity). */
export interface FhirMappingOptions {
  /** The system of patients' MRNs (READMIT_FHIR_PATIENT_IDENTIFIER_SYSTEM); else the MR-typed identifier. */
  readonly patientIdentifierSystem?: string;
  /** The system of visit numbers (READMIT_FHIR_ENCOUNTER_IDENTIFIER_SYSTEM); else the VN-typed identifier. */
  readonly encounterIdentifierSystem?: string;
}

/** v2-0203 identifier types: MR medical record number, VN visit number. */
type IdentifierTypeCode = 'MR' | 'VN';

function hasType(identifier: Identifier, type: IdentifierTypeCode): boolean {
  const codings = identifier.type?.coding;
  if (codings === undefined) return false;
  for (const coding of codings)
    if (coding.code === type && coding.system === SYSTEM.identifierType) return true;
  return false;
}

/**
 * The canonical text (canonicalTextId: the CSV path's, so `0149190` is `149190`) of the identifier
 * of the deployment's system when named, else of the given v2-0203 type; null when there is none.
 */
function businessIdentifier(
  identifiers: readonly Identifier[] | undefined,
  system: string | undefined,
  type: IdentifierTypeCode,
): string | null {
  if (identifiers === undefined) return null;
  if (system !== undefined)
    for (const identifier of identifiers)
      if (identifier.system === system) return canonicalTextId(identifier.value);
  for (const identifier of identifiers)
    if (hasType(identifier, type)) return canonicalTextId(identifier.value);
  return null;
}

/** A patient's MRN (canonical text): never the resource id, which is local to a server. */
export function patientIdentifierOf(
  identifiers: readonly Identifier[] | undefined,
  options: FhirMappingOptions,
): string | null {
  return businessIdentifier(identifiers, options.patientIdentifierSystem, 'MR');
}

/** An encounter's visit number (canonical text). */
export function encounterIdentifierOf(
  identifiers: readonly Identifier[] | undefined,
  options: FhirMappingOptions,
): string | null {
  return businessIdentifier(identifiers, options.encounterIdentifierSystem, 'VN');
}

/** The MRN a reference names by identifier (`subject: { identifier: … }`), when it names one. */
export function referencedPatientIdentifier(
  reference: Reference | undefined,
  options: FhirMappingOptions,
): string | null {
  const identifier = reference?.identifier;
  return identifier === undefined ? null : patientIdentifierOf([identifier], options);
}

/** The visit number a reference names by identifier. */
export function referencedEncounterIdentifier(
  reference: Reference | undefined,
  options: FhirMappingOptions,
): string | null {
  const identifier = reference?.identifier;
  return identifier === undefined ? null : encounterIdentifierOf([identifier], options);
}
