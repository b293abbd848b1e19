import { INGREDIENT_NAME_SYSTEM, SYSTEM } from './code-systems';
import { lookup } from './concept-maps/index';
import type { CodeableConcept, Coding, Medication, MedicationRequest } from './fhir-r4';
import type { MedicationColumn } from './patient-history';
import type { ResourceIndex } from './resource-index';

/** One ingredient of an order: its generic name and its column (null: a diabetes drug with no column). */
interface Ingredient {
  readonly name: string;
  readonly column: MedicationColumn | null;
}

/** What an order is, for the medication columns and num_medications. */
export interface OrderedMedication {
  /** The distinct generic name num_medications counts (docs/fhir-mapping.md). */
  readonly genericName: string;
  /** The columns the order feeds: one for a single drug or a combination with its own column. */
  readonly columns: readonly MedicationColumn[];
  /** Diabetes drugs it holds that have no column (newer than the table): reported. */
  readonly withoutColumn: readonly string[];
}

/** Words of a medication text, lower case: `glyBURIDE 5 MG / metFORMIN` → glyburide, mg, metformin. */
const WORD = /[a-z]+/g;

function ingredientByName(name: string): Ingredient | undefined {
  const translation = lookup('medication', INGREDIENT_NAME_SYSTEM, name);
  if (translation === undefined) return undefined;
  return {
    name,
    column: translation.kind === 'mapped' ? (translation.target as MedicationColumn) : null,
  };
}

/**
 * The ingredients a text names (`Insulin Glargine 100 UNT/ML`, `glyburide 5 MG / metformin 500
 * MG`): two-word names first (`insulin glargine`), then single words.
 */
function ingredientsInText(text: string, found: Map<string, Ingredient>): void {
  const words = text.toLowerCase().match(WORD);
  if (words === null) return;
  for (let i = 0; i < words.length; i += 1) {
    const pair = i + 1 < words.length ? ingredientByName(`${words[i]} ${words[i + 1]}`) : undefined;
    if (pair !== undefined) {
      found.set(pair.name, pair);
      i += 1;
      continue;
    }
    const single = ingredientByName(words[i]);
    if (single !== undefined) found.set(single.name, single);
  }
}

/** RxNorm ingredient codes the medication table holds. */
function ingredientsByCode(codings: readonly Coding[], found: Map<string, Ingredient>): void {
  for (const coding of codings) {
    if (coding.system !== SYSTEM.rxnorm) continue;
    const translation = lookup('medication', SYSTEM.rxnorm, coding.code);
    if (translation === undefined) continue;
    const name = translation.display ?? coding.code ?? '';
    found.set(name, {
      name,
      column: translation.kind === 'mapped' ? (translation.target as MedicationColumn) : null,
    });
  }
}

/** The concepts that say what is ordered: the request's, or its Medication's code and ingredients. */
function conceptsOf(request: MedicationRequest, index: ResourceIndex): CodeableConcept[] {
  if (request.medicationCodeableConcept !== undefined) return [request.medicationCodeableConcept];
  const medication = index.resolve<Medication>(request.medicationReference, 'Medication')?.resource;
  if (medication === undefined) {
    const display = request.medicationReference?.display;
    return display === undefined ? [] : [{ text: display }];
  }
  const concepts: CodeableConcept[] = medication.code === undefined ? [] : [medication.code];
  for (const ingredient of medication.ingredient ?? [])
    if (ingredient.itemCodeableConcept !== undefined) concepts.push(ingredient.itemCodeableConcept);
  return concepts;
}

/**
 * What a MedicationRequest orders (docs/fhir-mapping.md, medications): its ingredients by RxNorm
 * ingredient code (ConceptMap medication), else by the generic names its texts hold; a combination
 * is its set of ingredients (`glyburide / metformin` → glyburide-metformin), and a set with no
 * column of its own feeds the columns of its ingredients. Diabetes drugs with no column are counted
 * (unmapped, `:no-column`) and still count in num_medications.
 */
export function orderedMedicationOf(
  request: MedicationRequest,
  index: ResourceIndex,
): OrderedMedication {
  const concepts = conceptsOf(request, index);
  const found = new Map<string, Ingredient>();
  for (const concept of concepts) ingredientsByCode(concept.coding ?? [], found);
  if (found.size === 0)
    for (const concept of concepts) {
      if (concept.text !== undefined) ingredientsInText(concept.text, found);
      for (const coding of concept.coding ?? [])
        if (coding.display !== undefined) ingredientsInText(coding.display, found);
    }
  if (found.size === 0)
    return { genericName: fallbackName(concepts), columns: [], withoutColumn: [] };

  const names = [...found.keys()].sort();
  const genericName = names.join(' / ');
  const withoutColumn = [...found.values()].filter((i) => i.column === null).map((i) => i.name);
  const combination = names.length > 1 ? ingredientByName(genericName) : undefined;
  if (combination !== undefined && combination.column !== null)
    return { genericName, columns: [combination.column], withoutColumn };
  const columns = new Set<MedicationColumn>();
  for (const ingredient of found.values())
    if (ingredient.column !== null) columns.add(ingredient.column);
  return { genericName, columns: [...columns], withoutColumn };
}

/** A drug no table knows: its first coding's code, else its text in lower case. */
function fallbackName(concepts: readonly CodeableConcept[]): string {
  for (const concept of concepts)
    for (const coding of concept.coding ?? []) if (coding.code !== undefined) return coding.code;
  for (const concept of concepts)
    if (concept.text !== undefined) return concept.text.trim().toLowerCase();
  return '';
}
