import type { ReadmissionClass } from '@readmit/contracts';
import { cumulativeWeights, SeededRandom } from '../random/seeded-random';
import { AGE_BANDS } from '../features/encounter-features';
import { AT, CSV_COLUMNS, recordOf } from '../features/encounter-row';
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
const MODELLED_POSITIONS = MODELLED_COLUMNS.map((column) => AT[column]);
const PATIENT_POSITIONS = PATIENT_COLUMNS.map((column) => AT[column]);

/** A patient who can come back: their number and their PATIENT_COLUMNS values. */
interface Patient {
  readonly patientNbr: string;
  readonly values: readonly string[];
}

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
  /** Per label, each modelled column's distribution, in MODELLED_COLUMNS order. */
  private readonly byLabel = {} as Record<ReadmissionClass, Distribution[]>;
  private readonly patients: Patient[] = [];
  private position = 0;
  private nextPatient: number;
  private nextEncounter: number;

  constructor(
    private readonly profile: EncounterProfile,
    seed: number,
    private readonly drift?: DriftSpec,
  ) {
    this.random = new SeededRandom(seed);
    // Each seed numbers its own range, so streams of different seeds never share an encounter
    // or a patient (room for 10 million encounters per seed; ids stay within 15 digits).
    const block = seed % 100_000;
    this.nextEncounter = 900_000_000 + block * 10_000_000;
    this.nextPatient = 700_000_000 + block * 10_000_000 + 5_000_000;
    this.labels = {
      values: LABELS,
      cumulative: cumulativeWeights(LABELS.map((label) => profile.labelCounts[label])),
    };
    for (const label of LABELS) {
      this.byLabel[label] = MODELLED_COLUMNS.map((column) => {
        const counts = profile.columns[column][label];
        const values = Object.keys(counts).sort();
        return { values, cumulative: cumulativeWeights(values.map((value) => counts[value])) };
      });
    }
  }

  /** The next encounter as a record of column → raw CSV value (as diabetic_data.csv writes them). */
  next(): Record<string, string> {
    return recordOf(this.nextValues()) as Record<string, string>;
  }

  /** The next encounter as raw CSV values in CSV_COLUMNS order: the fast form for bulk loads. */
  nextValues(): string[] {
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

    const row = new Array<string>(CSV_COLUMNS.length);
    const distributions = this.byLabel[featureLabel];
    for (let index = 0; index < MODELLED_POSITIONS.length; index++) {
      const { values, cumulative } = distributions[index];
      row[MODELLED_POSITIONS[index]] = values[this.random.weighted(cumulative)] ?? '?';
    }

    const returning =
      this.patients.length > 0 && this.random.next() < this.profile.returningPatientShare;
    let patient: Patient;
    if (returning) {
      patient = this.patients[this.random.int(this.patients.length)];
    } else {
      patient = {
        patientNbr: String(this.nextPatient++),
        values: PATIENT_POSITIONS.map((position) => row[position]),
      };
      if (this.patients.length >= PATIENT_POOL)
        this.patients[this.random.int(PATIENT_POOL)] = patient;
      else this.patients.push(patient);
    }
    row[AT.patient_nbr] = patient.patientNbr;
    for (let index = 0; index < PATIENT_POSITIONS.length; index++)
      row[PATIENT_POSITIONS[index]] = patient.values[index];
    row[AT.encounter_id] = String(this.nextEncounter++);
    row[AT.readmitted] = CSV_LABEL[label];
    if (drifting) this.applyCovariateDrift(row);
    return row;
  }

  private applyCovariateDrift(row: string[]): void {
    const drift = this.drift as DriftSpec;
    if (drift.olderPopulation) {
      // Move up by one to three bands, more often the stronger the drift.
      const band = AGE_BANDS.indexOf(row[AT.age]);
      if (band >= 0 && this.random.next() < drift.olderPopulation) {
        row[AT.age] = AGE_BANDS[Math.min(AGE_BANDS.length - 1, band + 1 + this.random.int(3))];
      }
    }
    if (drift.moreEmergencies && this.random.next() < drift.moreEmergencies)
      row[AT.admission_type_id] = '1';
    if (drift.higherA1c && this.random.next() < drift.higherA1c) row[AT.A1Cresult] = '>8';
  }
}
