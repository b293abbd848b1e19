import type { ReadmissionClass } from '@readmit/contracts';
import { CSV_COLUMNS } from '../features/encounter-row';

export const LABELS: readonly ReadmissionClass[] = ['NO', 'AFTER_30_DAYS', 'WITHIN_30_DAYS'];
const LABEL_OF_CSV: Readonly<Record<string, ReadmissionClass>> = {
  NO: 'NO',
  '>30': 'AFTER_30_DAYS',
  '<30': 'WITHIN_30_DAYS',
};

/** Columns the generator models; ids are generated, the label is drawn first. */
export const MODELLED_COLUMNS = CSV_COLUMNS.filter(
  (column) => !['encounter_id', 'patient_nbr', 'readmitted'].includes(column),
);

/** Columns that belong to the patient rather than the encounter: a returning patient keeps them. */
export const PATIENT_COLUMNS = ['race', 'gender'] as const;

/**
 * What the synthetic generator knows of the real data: the label distribution, and for every
 * column the distribution of its raw CSV values given the label. Aggregate counts only: no row
 * and no identifier of the source survives in it.
 */
export interface EncounterProfile {
  readonly version: 1;
  readonly source: string;
  readonly rows: number;
  readonly labelCounts: Readonly<Record<ReadmissionClass, number>>;
  /** column → label → raw value → count. */
  readonly columns: Readonly<
    Record<string, Readonly<Record<ReadmissionClass, Readonly<Record<string, number>>>>>
  >;
  /** Share of encounters whose patient had an earlier encounter in the source. */
  readonly returningPatientShare: number;
}

/** Fits a profile on raw CSV rows (values as in the file, `?` for missing). */
export function fitEncounterProfile(
  rows: Iterable<Readonly<Record<string, string>>>,
  source: string,
): EncounterProfile {
  const labelCounts: Record<ReadmissionClass, number> = {
    NO: 0,
    AFTER_30_DAYS: 0,
    WITHIN_30_DAYS: 0,
  };
  const columns: Record<string, Record<ReadmissionClass, Record<string, number>>> = {};
  for (const column of MODELLED_COLUMNS)
    columns[column] = { NO: {}, AFTER_30_DAYS: {}, WITHIN_30_DAYS: {} };
  const patients = new Set<string>();
  let returning = 0;
  let count = 0;
  for (const row of rows) {
    const label = LABEL_OF_CSV[row.readmitted ?? ''];
    if (!label) continue;
    count += 1;
    labelCounts[label] += 1;
    if (patients.has(row.patient_nbr)) returning += 1;
    patients.add(row.patient_nbr);
    for (const column of MODELLED_COLUMNS) {
      const value = row[column] ?? '?';
      const counts = columns[column][label];
      counts[value] = (counts[value] ?? 0) + 1;
    }
  }
  if (count === 0) throw new Error('cannot fit a profile: no labelled rows');
  return {
    version: 1,
    source,
    rows: count,
    labelCounts,
    columns,
    returningPatientShare: returning / count,
  };
}
