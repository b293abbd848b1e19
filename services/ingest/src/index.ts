// The ingest service's public entry (@readmit/ingest): what the CLI's `produce` and `projections`
// commands and demo may call. Other services never import it (eslint.config.mjs).
export { loadEncounters, type LoadReport } from './application/load-encounters/load-encounters';
export { readEncounterCsv, type CsvEncounterRow } from './infrastructure/csv-encounter-reader';
export { batchesProjection } from './projections/batches/batches.projection';
export { IngestBatch } from './projections/batches/ingest-batch.entity';
export {
  ndjsonEntry,
  patientsOf,
  readFhirEncounters,
  validateEntries,
  type FhirEntry,
  type FhirEncounterRows,
} from './domain/fhir/read-fhir-encounters';
