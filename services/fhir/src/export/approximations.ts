/**
 * Why an exported row may not come back from FHIR exactly as it was: a row the UCI table holds
 * but FHIR (or the mapping) cannot say, or a row that contradicts itself. Counted per reason in
 * the export report, so a round trip's differences are explained rather than found.
 */
export const APPROXIMATIONS = [
  /** The patient's other rows give another race; a Patient has one. */
  'race-differs-from-patient',
  /** The patient's other rows give another gender; a Patient has one. */
  'gender-differs-from-patient',
  /** A code twice among diag_1..3: the mapper keeps each code once, so later ones move up. */
  'repeated-diagnosis',
  /** A missing diag_1 or diag_2 before a present one: the mapper takes the lowest ranks, so they move up. */
  'diagnosis-after-missing-one',
  /** A missing diag_2 or diag_3 while number_diagnoses counts more codes: a filler takes its place. */
  'filler-diagnosis-in-top-three',
  /** number_diagnoses below the distinct codes in diag_1..3. */
  'fewer-diagnoses-than-named',
  /** num_lab_procedures below the A1c and glucose results the row has. */
  'fewer-labs-than-results',
  /** num_medications below the diabetes drugs the row orders. */
  'fewer-medications-than-ordered',
  /** num_medications above the distinct generics the exporter can name. */
  'more-medications-than-fillers',
  /** examide or citoglipton ordered: no medicine anyone can order, always No in the mapping. */
  'unorderable-medication',
  /** change = No with an Up or Down drug: a dose change is a change. */
  'change-contradicts-doses',
  /** change = Ch with every drug ordered and none Up or Down: nothing left to stop. */
  'change-without-room',
  /** diabetesMed says otherwise than the 23 columns. */
  'diabetes-med-contradicts-orders',
  /** An admission type, source or discharge id no ConceptMap names. */
  'id-not-exportable',
  /** A stay of the patient less than 400 days before: its visits and orders may count here. */
  'spacing-reduced',
  /** No birth date gives the patient every age band at the admission dates, in encounter order. */
  'age-band-unfit',
] as const;

export type Approximation = (typeof APPROXIMATIONS)[number];
