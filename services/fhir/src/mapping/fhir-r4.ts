/**
 * The FHIR R4 types of @medplum/fhirtypes, for this library and its callers. That package is an
 * ES module of types only, which CommonJS code (ours, module node16) may import only with the
 * resolution-mode attribute: written once here, so other files import these names plainly.
 */
export type {
  Attachment,
  Bundle,
  BundleEntry,
  BundleEntryRequest,
  CodeableConcept,
  Coding,
  ConceptMap,
  Condition,
  Coverage,
  Dosage,
  Encounter,
  EncounterDiagnosis,
  EncounterParticipant,
  Extension,
  Identifier,
  Medication,
  MedicationRequest,
  Observation,
  OperationOutcome,
  OperationOutcomeIssue,
  Patient,
  Period,
  PractitionerRole,
  Procedure,
  Quantity,
  Reference,
  Resource,
  Timing,
} from '@medplum/fhirtypes' with { 'resolution-mode': 'import' };
