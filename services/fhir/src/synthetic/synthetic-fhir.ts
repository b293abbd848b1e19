import { SyntheticEncounters, type DriftSpec, type EncounterProfile } from '@readmit/ml';
import type { UciExportReport } from '../export/export-report';
import { exportUciPatients } from '../export/export-uci-rows';
import type { PatientExport } from '../export/uci-export';

export interface SyntheticFhirOptions {
  /** Drift of the synthetic stream, as `readmit produce --synthetic --drift` takes it. */
  readonly drift?: DriftSpec;
  /** Seeds the exported dates and times; the stream's seed by default. */
  readonly exportSeed?: number;
}

/**
 * `count` synthetic encounters (the generator of `readmit produce --synthetic`) as FHIR R4, patient
 * by patient, through the UCI exporter: the same seed, the same FHIR. Here rather than in
 * @readmit/ml so the ML library stays free of FHIR. The generator draws columns independently
 * given the label, so some of its rows contradict themselves (a returning patient younger than
 * before, Up with change = No, fewer diagnoses than named): the report counts them by reason.
 * The rows are held until every patient's are drawn: a patient may come back late in the stream.
 */
export function syntheticFhirPatients(
  profile: EncounterProfile,
  count: number,
  seed: number,
  options: SyntheticFhirOptions = {},
): Generator<PatientExport, UciExportReport> {
  const generator = new SyntheticEncounters(profile, seed, options.drift);
  const records = Array.from({ length: count }, () => generator.next());
  return exportUciPatients(records, { seed: options.exportSeed ?? seed });
}
