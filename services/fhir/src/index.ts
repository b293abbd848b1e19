// @readmit/fhir: FHIR R4 in and out (issue 24). Pure: no I/O, no clock; callers read files and topics.
export type * from './mapping/fhir-r4';
export * from './mapping/code-systems';
export * from './mapping/concept-maps/index';
export * from './mapping/fhir-mapping';
export { EXCLUSION_REASONS, type ExclusionReason } from './mapping/mapping-tally';
export * from './mapping/patient-history';
export * from './validation/fhir-issue';
export * from './validation/read-bundle';
export * from './validation/validate-resource';
// Export: UCI rows → FHIR R4 (docs/fhir-mapping.md, Export to FHIR).
export { exportUciRows, exportUciPatients } from './export/export-uci-rows';
export type { UciFhirExport, UciRowsExportOptions } from './export/export-uci-rows';
export { exportUciPatient, groupByPatient, uciPatientsOf } from './export/uci-export';
export type { PatientExport, UciExportOptions, UciRecord, UciStayRow } from './export/uci-export';
export { UciExportTally, type UciExportReport } from './export/export-report';
export { APPROXIMATIONS, type Approximation } from './export/approximations';
export {
  BULK_RESOURCE_TYPES,
  fhirBundle,
  patientBundles,
  resourcesByType,
  type BulkResourceType,
  type ExportBundleScope,
  type ExportBundleType,
} from './export/fhir-bundles';
export { syntheticFhirPatients, type SyntheticFhirOptions } from './synthetic/synthetic-fhir';
export {
  syntheticReadmissions,
  type SyntheticReadmissions,
  type SyntheticReadmissionsOptions,
  type SyntheticStay,
} from './synthetic/synthetic-readmissions';
export { READMISSION_GAP_DAYS, type AdmissionWindow } from './synthetic/readmission-chains';
