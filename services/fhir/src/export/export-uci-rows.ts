import type { Bundle, Resource } from '../mapping/fhir-r4';
import { UciExportTally, type UciExportReport } from './export-report';
import {
  BULK_RESOURCE_TYPES,
  patientBundles,
  resourcesByType,
  type BulkResourceType,
  type ExportBundleScope,
  type ExportBundleType,
} from './fhir-bundles';
import {
  exportUciPatient,
  uciPatientsOf,
  type PatientExport,
  type UciExportOptions,
  type UciRecord,
} from './uci-export';

export interface UciRowsExportOptions extends UciExportOptions {
  /** One bundle per patient (default) or per encounter. */
  readonly bundleScope?: ExportBundleScope;
  /** `collection` (default) or `transaction`. */
  readonly bundleType?: ExportBundleType;
}

/** UCI rows as FHIR, in memory: bundles, the same resources by Bulk Data file, and the report. */
export interface UciFhirExport {
  readonly bundles: Bundle[];
  readonly resourcesByType: ReadonlyMap<BulkResourceType, Resource[]>;
  readonly report: UciExportReport;
}

/**
 * Each patient of `records` as FHIR, one patient at a time (for files too big to hold as FHIR),
 * and the report once every patient is made.
 */
export function* exportUciPatients(
  records: Iterable<UciRecord>,
  options: UciExportOptions = {},
): Generator<PatientExport, UciExportReport> {
  const { patients, rejected } = uciPatientsOf(records);
  const tally = new UciExportTally();
  for (const rows of patients) {
    const exported = exportUciPatient(rows, options);
    tally.add(exported);
    yield exported;
  }
  return tally.report(rejected);
}

/**
 * UCI rows (diabetic_data.csv's columns, as records) as FHIR R4 that the mapping
 * (docs/fhir-mapping.md) reads back into the same rows, all in memory: for tests and samples.
 * The label (`readmitted`) is not exported: FHIR has no such element, and Readmit derives it
 * from later admissions.
 */
export function exportUciRows(
  records: Iterable<UciRecord>,
  options: UciRowsExportOptions = {},
): UciFhirExport {
  const bundles: Bundle[] = [];
  const byType = new Map<BulkResourceType, Resource[]>(
    BULK_RESOURCE_TYPES.map((type) => [type, []]),
  );
  const patients = exportUciPatients(records, options);
  for (let next = patients.next(); ; next = patients.next()) {
    if (next.done) return { bundles, resourcesByType: byType, report: next.value };
    bundles.push(
      ...patientBundles(
        next.value,
        options.bundleScope ?? 'patient',
        options.bundleType ?? 'collection',
      ),
    );
    for (const [type, resources] of resourcesByType(next.value))
      (byType.get(type) as Resource[]).push(...resources);
  }
}
