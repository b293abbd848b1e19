import type { EncounterRecorded, Envelope } from '@readmit/contracts';
import { TRANSFER_CONTINUATION_MS } from './labelling-policy';

/** One inpatient stay with its dates: what the labeller keeps of an EncounterRecorded. */
export interface InpatientStay {
  /** The encounter's pseudonym: the outcome's key. */
  readonly encounterId: string;
  /** The patient's pseudonym. */
  readonly patient: string;
  readonly admittedAt: number;
  readonly dischargedAt: number;
  /** UCI discharge_disposition_id (IDs_mapping.csv). */
  readonly dischargeDisposition: number;
  /** UCI admission_source_id (IDs_mapping.csv). */
  readonly admissionSource: number;
  /** The encounter's envelope: the derived outcome is caused by it. */
  readonly envelope: Envelope;
}

/** Why a stay gets no label of its own (it still counts as a readmission of earlier stays). */
export type IndexExclusion = 'expired' | 'hospice' | 'transferred';

/**
 * Discharge dispositions that end the patient's life or care (IDs_mapping.csv): expired (11;
 * 19, 20, 21: expired under Medicaid hospice) and hospice (13 home, 14 medical facility). The
 * CMS hospital-wide readmission measure and the UCI study both leave these stays out: a patient
 * who died cannot come back, and one sent to hospice is not expected to.
 */
const EXPIRED = new Set([11, 19, 20, 21]);
const HOSPICE = new Set([13, 14]);

/**
 * Discharged/transferred to another short-term hospital (2): the acute episode goes on
 * elsewhere, so CMS takes the last stay of the transfer chain as the index, not this one.
 */
const TRANSFERRED_OUT = 2;

/** Admission source "transfer from a hospital" (4): the other end of such a transfer. */
const TRANSFER_FROM_HOSPITAL = 4;

/** The stay of an encounter, or null when the sender gave no dates (the UCI table has none). */
export function stayOf(encounter: EncounterRecorded): InpatientStay | null {
  if (encounter.admittedAt === null || encounter.dischargedAt === null) return null;
  return {
    encounterId: encounter.encounter_id,
    patient: encounter.patient_nbr,
    admittedAt: encounter.admittedAt,
    dischargedAt: encounter.dischargedAt,
    dischargeDisposition: encounter.discharge_disposition_id,
    admissionSource: encounter.admission_source_id,
    envelope: encounter.envelope,
  };
}

/** Why the stay is no index stay, or null when it gets a label. */
export function indexExclusionOf(stay: InpatientStay): IndexExclusion | null {
  if (EXPIRED.has(stay.dischargeDisposition)) return 'expired';
  if (HOSPICE.has(stay.dischargeDisposition)) return 'hospice';
  if (stay.dischargeDisposition === TRANSFERRED_OUT) return 'transferred';
  return null;
}

/**
 * Days (in ms) from the index stay's discharge to `later`'s admission when `later` readmits the
 * patient after it, else null. A transfer from a hospital admitted within 24 hours of the
 * discharge continues the stay: no readmission.
 */
export function readmissionGap(index: InpatientStay, later: InpatientStay): number | null {
  if (later.encounterId === index.encounterId) return null;
  const gap = later.admittedAt - index.dischargedAt;
  if (gap <= 0) return null;
  if (later.admissionSource === TRANSFER_FROM_HOSPITAL && gap <= TRANSFER_CONTINUATION_MS)
    return null;
  return gap;
}
