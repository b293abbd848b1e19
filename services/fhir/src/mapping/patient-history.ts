import type { MedicationRequest } from './fhir-r4';

/**
 * The patient history ingest keeps between inputs (docs/fhir-mapping.md, Prior visits): each
 * patient's visits and diabetes medication orders, by patient pseudonym, with no clinical detail
 * beyond class, start and dose. A bundle that carries only the current stay still counts the visits
 * and compares with the orders sent before.
 */

/** The kind of a visit, from Encounter.class (ConceptMap encounter-class). */
export type VisitKind = 'outpatient' | 'emergency' | 'inpatient';

/** The 23 medication columns of diabetic_data.csv, in its order. */
export const MEDICATION_COLUMN_NAMES = [
  'metformin', 'repaglinide', 'nateglinide', 'chlorpropamide', 'glimepiride', 'acetohexamide', 'glipizide',
  'glyburide', 'tolbutamide', 'pioglitazone', 'rosiglitazone', 'acarbose', 'miglitol', 'troglitazone',
  'tolazamide', 'examide', 'citoglipton', 'insulin', 'glyburide-metformin', 'glipizide-metformin',
  'glimepiride-pioglitazone', 'metformin-rosiglitazone', 'metformin-pioglitazone',
] as const; // prettier-ignore

export type MedicationColumn = (typeof MEDICATION_COLUMN_NAMES)[number];

/** One visit of a patient: an Encounter of any class, finished or not. */
export interface HistoryVisit {
  /** The pseudonym (kind `encounter`) of its visit number, so each visit counts once however often it is sent. */
  readonly visitKey: string;
  readonly kind: VisitKind;
  /** Encounter.period.start, milliseconds since 1970 (UTC). */
  readonly startedAt: number;
  /** The visitKey of the encounter it is part of (Encounter.partOf): a part of a stay is no visit of its own. */
  readonly partOf?: string;
}

export type MedicationOrderStatus = MedicationRequest['status'];

/** One diabetes medication order of a patient (a MedicationRequest of one of the 23 columns). */
export interface HistoryMedicationOrder {
  /** The pseudonym (kind `encounter`) of the request's identifier, or of `MedicationRequest/<id>`. */
  readonly orderKey: string;
  readonly column: MedicationColumn;
  /** doseQuantity × doses per day; null when the request does not say. */
  readonly dailyDose: number | null;
  /** The dose's unit (UCUM code, else its text); null when none. */
  readonly unit: string | null;
  /** MedicationRequest.authoredOn, milliseconds since 1970 (UTC). */
  readonly authoredAt: number;
  readonly status: MedicationOrderStatus;
}

/** What ingest knows of one patient from earlier inputs. */
export interface PatientHistory {
  readonly visits: readonly HistoryVisit[];
  readonly medicationOrders: readonly HistoryMedicationOrder[];
}

/** What one input taught about a patient: the caller adds it to the stored history. */
export interface LearnedPatientHistory extends PatientHistory {
  /** The patient's pseudonym. */
  readonly patient: string;
}

export const EMPTY_PATIENT_HISTORY: PatientHistory = Object.freeze({
  visits: Object.freeze([]),
  medicationOrders: Object.freeze([]),
});
