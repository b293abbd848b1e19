import type { CodeableConcept, Coding } from '../mapping/fhir-r4';
import { INGREDIENT_NAME_SYSTEM } from '../mapping/code-systems';
import { preferredSourceCoding, type ConceptMapName } from '../mapping/concept-maps/index';
import { LOCAL_UNMAPPED_SYSTEM } from './code-systems';

/** The three id columns of the UCI table whose meaning a ConceptMap gives. */
export type UciIdColumn = 'admission_type_id' | 'admission_source_id' | 'discharge_disposition_id';

const MAP_OF: Readonly<Record<UciIdColumn, ConceptMapName>> = {
  admission_type_id: 'admission-type',
  admission_source_id: 'admission-source',
  discharge_disposition_id: 'discharge-disposition',
};

/** The id that means "NULL" in IDs_mapping.csv: the element was not sent. */
const NULL_ID: Readonly<Record<UciIdColumn, number>> = {
  admission_type_id: 6,
  admission_source_id: 17,
  discharge_disposition_id: 18,
};

/** The id that means "Not Mapped": the hospital sent a code nobody's table holds. */
const NOT_MAPPED_ID: Readonly<Record<UciIdColumn, number>> = {
  admission_type_id: 8,
  admission_source_id: 20,
  discharge_disposition_id: 25,
};

/**
 * What to send for a UCI id: `absent` (the NULL ids: no element), a concept (the mapping's
 * preferred source code: NUBC where it has one, v3-NullFlavor UNK for Unknown/Invalid, Readmit's
 * UCI-id system for ids no standard code carries, a local code for Not Mapped), or
 * `not-exportable` (an id no table names).
 */
export type IdConcept =
  | { readonly kind: 'absent' }
  | { readonly kind: 'coded'; readonly concept: CodeableConcept }
  | { readonly kind: 'not-exportable' };

export function idConcept(column: UciIdColumn, id: number): IdConcept {
  if (id === NULL_ID[column]) return { kind: 'absent' };
  if (id === NOT_MAPPED_ID[column])
    // A hospital's own code, as a sender whose codes the mapping does not know would send it.
    return {
      kind: 'coded',
      concept: {
        coding: [{ system: LOCAL_UNMAPPED_SYSTEM, code: `${column}-${id}` }],
        text: 'Not Mapped',
      },
    };
  const coding = preferredSourceCoding(MAP_OF[column], String(id));
  return coding ? { kind: 'coded', concept: { coding: [coding] } } : { kind: 'not-exportable' };
}

/**
 * The admitter's specialty: the NUCC taxonomy code when the specialty ConceptMap names one, else
 * the table's name as text (the column is free text, and the mapper keeps text as sent).
 */
export function specialtyConcept(specialty: string): CodeableConcept {
  const coding = preferredSourceCoding('specialty', specialty);
  return coding ? { coding: [coding], text: specialty } : { text: specialty };
}

/** The payer as a Source of Payment Typology code where one maps to it, else Readmit's payer system. */
export function payerCoding(payerCode: string): Coding | undefined {
  return preferredSourceCoding('payer', payerCode);
}

/**
 * A diabetes medication column as a medication concept: its RxNorm ingredient (insulin as insulin
 * glargine) when the table has one, else its ingredient name as text (the combinations), the
 * form the medication ConceptMap's name group is read from.
 */
export function medicationConcept(column: string): CodeableConcept | undefined {
  const coding = preferredSourceCoding('medication', column);
  if (coding === undefined) return undefined;
  if (coding.system === INGREDIENT_NAME_SYSTEM) return { text: coding.code };
  return { coding: [coding], text: coding.display ?? column };
}
