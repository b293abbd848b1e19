import type { ReadmissionClass } from '@readmit/contracts';
import { cumulativeWeights, SeededRandom } from '@readmit/ml';
import { AGE_BANDS } from '../encounter-row';
import type { DriftSpec } from './drift-spec';
import {
  LABELS,
  MODELLED_COLUMNS,
  PATIENT_COLUMNS,
  type EncounterProfile,
} from './encounter-profile';

const CSV_LABEL: Readonly<Record<ReadmissionClass, string>> = {
  NO: 'NO',
  AFTER_30_DAYS: '>30',
  WITHIN_30_DAYS: '<30',
};
/** How many past patients can come back; older ones are forgotten (memory stays bounded). */
const PATIENT_POOL = 20_000;

interface Distribution {
  readonly values: readonly string[];
  readonly cumulative: Float64Array;
}

/**
 * Synthetic encounters that look like the profiled data. Method: draw the label from its
 * marginal, then each column from its distribution given that label (columns are independent
 * given the label, a naive-Bayes generator), so marginals match the source and the label keeps
 * a learnable relationship with the features. A share of encounters belongs to a returning
 * patient, who keeps race and gender. Deterministic for a seed. Drift, when given, bends the
 * distributions from a position in the stream on.
 */
export class SyntheticEncounters {
  private readonly random: SeededRandom;
  private readonly labels: Distribution;
  private readonly byColumn = new Map<string, Record<ReadmissionClass, Distribution>>();
  private readonly patients: Array<Record<string, string>> = [];
  private position = 0;
  private nextPatient = 700_000_000;
  private nextEncounter = 900_000_000;

  constructor(
    private readonly profile: EncounterProfile,
    seed: number,
    private readonly drift?: DriftSpec,
  ) {
    this.random = new SeededRandom(seed);
    this.labels = {
      values: LABELS,
      cumulative: cumulativeWeights(LABELS.map((label) => profile.labelCounts[label])),
    };
    for (const column of MODELLED_COLUMNS) {
      const perLabel = {} as Record<ReadmissionClass, Distribution>;
      for (const label of LABELS) {
        const counts = profile.columns[column][label];
        const values = Object.keys(counts).sort();
        perLabel[label] = {
          values,
          cumulative: cumulativeWeights(values.map((value) => counts[value])),
        };
      }
      this.byColumn.set(column, perLabel);
    }
  }

  /** The next encounter as a raw CSV row (values as diabetic_data.csv writes them). */
  next(): Record<string, string> {
    const drifting = this.drift !== undefined && this.position >= this.drift.from;
    this.position += 1;
    const label = this.labels.values[
      this.random.weighted(this.labels.cumulative)
    ] as ReadmissionClass;
    // Concept drift: the features come from another label's distribution, so P(label | features) changes.
    const featureLabel =
      drifting && this.drift?.concept && this.random.next() < this.drift.concept
        ? LABELS[(LABELS.indexOf(label) + 1 + this.random.int(2)) % 3]
        : label;

    const row: Record<string, string> = {};
    for (const column of MODELLED_COLUMNS) row[column] = this.draw(column, featureLabel);

    const returning =
      this.patients.length > 0 && this.random.next() < this.profile.returningPatientShare;
    if (returning) {
      const patient = this.patients[this.random.int(this.patients.length)];
      Object.assign(row, patient);
    } else {
      const patient: Record<string, string> = { patient_nbr: String(this.nextPatient++) };
      for (const column of PATIENT_COLUMNS) patient[column] = row[column];
      if (this.patients.length >= PATIENT_POOL)
        this.patients[this.random.int(PATIENT_POOL)] = patient;
      else this.patients.push(patient);
      row.patient_nbr = patient.patient_nbr;
    }
    row.encounter_id = String(this.nextEncounter++);
    row.readmitted = CSV_LABEL[label];
    if (drifting) this.applyCovariateDrift(row);
    return row;
  }

  private draw(column: string, label: ReadmissionClass): string {
    const distribution = (this.byColumn.get(column) as Record<ReadmissionClass, Distribution>)[
      label
    ];
    return distribution.values[this.random.weighted(distribution.cumulative)] ?? '?';
  }

  private applyCovariateDrift(row: Record<string, string>): void {
    const drift = this.drift as DriftSpec;
    if (drift.olderPopulation) {
      // Move up by one to three bands, more often the stronger the drift.
      const band = AGE_BANDS.indexOf(row.age);
      if (band >= 0 && this.random.next() < drift.olderPopulation) {
        row.age = AGE_BANDS[Math.min(AGE_BANDS.length - 1, band + 1 + this.random.int(3))];
      }
    }
    if (drift.moreEmergencies && this.random.next() < drift.moreEmergencies)
      row.admission_type_id = '1';
    if (drift.higherA1c && this.random.next() < drift.higherA1c) row.A1Cresult = '>8';
  }
}
