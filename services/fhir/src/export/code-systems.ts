/**
 * The identifier and code systems only the exporter names (the standard ones are the mapping's
 * SYSTEM, mapping/code-systems.ts).
 */
export const SYSTEMS = {
  /** The UCI table's patient number, as a medical record number. */
  patientNbr: 'urn:readmit:uci:patient_nbr',
  /** The UCI table's encounter id, as a visit number. */
  encounterId: 'urn:readmit:uci:encounter_id',
  /** Visits the exporter makes up for the prior-visit counts: not rows of the table. */
  priorVisit: 'urn:readmit:uci:prior-visit',
  /** Medication orders, so each counts once in a patient's history however often it is sent. */
  order: 'urn:readmit:uci:order',
  /** The exporter's problem-list entry, so a transaction creates it once per patient. */
  problem: 'urn:readmit:uci:problem',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
} as const;

/** A code the exporter sends where the row's id means "Not Mapped": no table of the mapper holds it. */
export const LOCAL_UNMAPPED_SYSTEM = 'urn:readmit:uci:not-mapped';
