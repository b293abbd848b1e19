import { parseEncounterValues, rawRowOf, SeededRandom } from '@readmit/ml';
import type { ReadmissionClass } from '@readmit/contracts';
import type { EncounterAttributes, FieldError } from '@readmit/ml';
import type { Resource } from '../mapping/fhir-r4';
import type { Approximation } from './approximations';
import { diabetesProblem, patientResource } from './patient-resources';
import { resourceId } from './resource-ids';
import { planPatientDates, type PatientDates } from './stay-dates';
import { StayFrame } from './stay-frame';
import { stayResources } from './stay-resources';

/** A row of the UCI table as column → cell (diabetic_data.csv's columns; `recordOf` gives one). */
export type UciRecord = Readonly<Record<string, string | undefined>>;

export interface UciExportOptions {
  /** Seeds the dates and times: the same rows and seed give the same FHIR. Default 1. */
  readonly seed?: number;
}

/** A row of the input and its encounter, read by the project's row rules. */
export interface UciStayRow {
  /** Its position in the input (0-based). */
  readonly index: number;
  readonly encounter: EncounterAttributes;
}

/** A row the row rules refuse: its position in the input and what is wrong, by field. */
export interface RejectedUciRow {
  readonly index: number;
  readonly errors: readonly FieldError[];
}

/** One stay of an exported patient. */
export interface ExportedStay {
  readonly index: number;
  readonly resources: Resource[];
  readonly approximations: readonly Approximation[];
}

/** The FHIR of one patient: their Patient and problem list, then each stay's resources. */
export interface PatientExport {
  readonly patient: Resource[];
  /** In encounter order (the order of their encounter ids). */
  readonly stays: readonly ExportedStay[];
}

/** Identifiers as the rows hold them: the exporter writes the clear ids into FHIR identifiers. */
const keepClear = (_kind: string, clearId: string) => clearId;

/** A row read by the row rules, with the label its `readmitted` cell gives (null when empty). */
export interface LabelledUciRow extends UciStayRow {
  readonly outcome: ReadmissionClass | null;
}

/**
 * The rows read by the row rules (those of the CSV path: a row it refuses is not exported), and
 * those it refuses. Identifiers are read as text, so MRN-like ids export too; numeric ones lose
 * leading zeros as on the CSV path.
 */
export function readUciRows(records: Iterable<UciRecord>): {
  readonly rows: LabelledUciRow[];
  readonly rejected: RejectedUciRow[];
} {
  const rows: LabelledUciRow[] = [];
  const rejected: RejectedUciRow[] = [];
  let index = 0;
  for (const record of records) {
    const parsed = parseEncounterValues(rawRowOf(record), keepClear, undefined, 'text');
    if (parsed.ok) rows.push({ index, encounter: parsed.encounter, outcome: parsed.outcome });
    else rejected.push({ index, errors: parsed.errors });
    index += 1;
  }
  return { rows, rejected };
}

/** The rows read by the row rules (readUciRows), grouped by patient. */
export function uciPatientsOf(records: Iterable<UciRecord>): {
  readonly patients: UciStayRow[][];
  readonly rejected: RejectedUciRow[];
} {
  const { rows, rejected } = readUciRows(records);
  return { patients: groupByPatient(rows), rejected };
}

/** Rows already read (e.g. by the CSV reader, identifiers kept clear) by patient, in the order patients first appear. */
export function groupByPatient(rows: Iterable<UciStayRow>): UciStayRow[][] {
  const byPatient = new Map<string, UciStayRow[]>();
  for (const row of rows) {
    const stays = byPatient.get(row.encounter.patient_nbr);
    if (stays) stays.push(row);
    else byPatient.set(row.encounter.patient_nbr, [row]);
  }
  return [...byPatient.values()];
}

/** Numeric ids by value (canonical, so by length first), others as text. */
function byEncounterId(a: UciStayRow, b: UciStayRow): number {
  const x = a.encounter.encounter_id;
  const y = b.encounter.encounter_id;
  const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
  if (numeric && x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** FNV-1a: a stable 32-bit hash of a text, to seed each patient's and stay's own random. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < text.length; at++) {
    hash ^= text.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const randomFor = (text: string, seed: number) =>
  new SeededRandom((hashOf(text) ^ Math.imul(seed, 0x9e3779b1)) >>> 0);

/**
 * The value most of the patient's rows give (the first of equally common ones, in encounter
 * order), missing values counting only when every row misses it.
 */
function patientValue<T>(values: readonly (T | null)[]): T | null {
  const counts = new Map<T, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  let chosen: T | null = null;
  for (const [value, count] of counts)
    if (chosen === null || count > (counts.get(chosen) ?? 0)) chosen = value;
  return chosen;
}

/**
 * One patient's rows as FHIR: a Patient (one race, gender and birth date for all the rows; rows
 * that say otherwise are marked), the diabetes on their problem list, and each stay's resources,
 * dated so that the patient's age at each admission is in the row's band and stays are 400 days
 * apart (stay-dates.ts).
 */
export function exportUciPatient(
  rows: readonly UciStayRow[],
  options: UciExportOptions = {},
): PatientExport {
  const seed = options.seed ?? 1;
  const stays = [...rows].sort(byEncounterId);
  const dates = planPatientDates(
    stays.map(({ encounter }) => ({
      ageBand: encounter.age,
      lengthOfStay: encounter.time_in_hospital,
    })),
    patientRandom(stays[0].encounter.patient_nbr, seed),
  );
  return exportDatedPatient(stays, dates, seed);
}

/** The seeded random a patient's dates are drawn from. */
export const patientRandom = (patientNbr: string, seed: number) => randomFor(patientNbr, seed);

/**
 * One patient's rows as FHIR on dates already planned (`dates.stays[k]` for `stays[k]`, in
 * admission order): the Patient, their problem list and each stay's resources.
 */
export function exportDatedPatient(
  stays: readonly UciStayRow[],
  dates: PatientDates,
  seed: number,
): PatientExport {
  const patientNbr = stays[0].encounter.patient_nbr;
  const race = patientValue(stays.map(({ encounter }) => encounter.race));
  const gender = patientValue(stays.map(({ encounter }) => encounter.gender)) ?? 'Unknown/Invalid';
  const facts = {
    patientNbr,
    race,
    gender,
    birthDay: dates.birthDay,
    firstAdmissionDay: dates.stays[0].admissionDay,
  };
  const patientId = resourceId('p', patientNbr);
  return {
    patient: [patientResource(facts), diabetesProblem(facts)],
    stays: stays.map(({ index, encounter }, position) => {
      const planned = dates.stays[position];
      const frame = new StayFrame(
        patientId,
        encounter.encounter_id,
        planned,
        randomFor(encounter.encounter_id, seed),
      );
      const stay = stayResources(encounter, frame);
      const approximations: Approximation[] = [...stay.approximations];
      if (planned.fit !== 'fits') approximations.push(planned.fit);
      if (encounter.race !== race) approximations.push('race-differs-from-patient');
      if (encounter.gender !== gender) approximations.push('gender-differs-from-patient');
      return { index, resources: stay.resources, approximations };
    }),
  };
}
