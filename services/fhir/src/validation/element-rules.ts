// @medplum/fhirtypes is an ES module of types only (fhir-r4.ts says why the attribute).
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes' with {
  'resolution-mode': 'import',
};

/**
 * What HL7's R4 JSON Schema cannot say about an element and the structure definitions do, per
 * schema definition (`Encounter`, `Bundle_Request`):
 * - `required`: primitive elements of minimum cardinality 1 (`Encounter.status`). The schema
 *   leaves them out of `required` because FHIR JSON may carry a primitive as `_status` only
 *   (extensions without a value), so either name counts as present.
 * - `choices`: choice elements (`value[x]`) with their JSON names (`valueQuantity`, …): at most one
 *   may be present, and one must be when the element is required (`MedicationRequest.medication[x]`).
 */
export interface ElementRules {
  readonly required: readonly string[];
  readonly choices: readonly ChoiceRule[];
}

export interface ChoiceRule {
  /** `value[x]`: how issues name the element. */
  readonly element: string;
  readonly variants: readonly string[];
  readonly required: boolean;
}

/** The schema's definition names (and their properties), to keep only rules the schema can hold. */
export type SchemaProperties = (definition: string) => ReadonlySet<string> | undefined;

const capitalised = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * The schema definition of each backbone element of a type, as HL7's generator names them: the
 * type and the element's name (`Bundle.entry.request` → `Bundle_Request`), numbered from 1 when
 * the name is taken (`CodeSystem.concept.property` → `CodeSystem_Property1`).
 */
function backboneNames(elements: readonly ElementDefinition[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const { path, type } of elements) {
    const parts = path?.split('.') ?? [];
    if (
      parts.length < 2 ||
      !type?.some(({ code }) => code === 'BackboneElement' || code === 'Element')
    )
      continue;
    const base = `${parts[0]}_${capitalised(parts[parts.length - 1])}`;
    let name = base;
    for (let n = 1; taken.has(name); n += 1) name = `${base}${n}`;
    taken.add(name);
    names.set(path ?? '', name);
  }
  return names;
}

/** FHIR primitive types are lower-case (`code`, `dateTime`); Extension.url is a System.String. */
const isPrimitive = (element: ElementDefinition): boolean =>
  (element.type ?? []).length > 0 &&
  (element.type ?? []).every(({ code }) => code !== undefined && /^[a-z]|^http:/.test(code));

/**
 * The element rules of every resource and data type of `bundles` (the R4 structure definitions),
 * keeping the elements the schema knows. `skipped` lists elements no schema definition holds (a
 * test keeps it empty for the types ingest reads).
 */
export function elementRulesOf(
  bundles: readonly Bundle<StructureDefinition>[],
  properties: SchemaProperties,
): { rules: Map<string, ElementRules>; skipped: string[] } {
  const rules = new Map<string, { required: string[]; choices: ChoiceRule[] }>();
  const skipped: string[] = [];
  const rulesOf = (definition: string) => {
    let found = rules.get(definition);
    if (found === undefined) rules.set(definition, (found = { required: [], choices: [] }));
    return found;
  };
  for (const definition of bundles.flatMap((bundle) => bundle.entry ?? [])) {
    const structure = definition.resource;
    // Profiles (SimpleQuantity, …) constrain a type the schema already holds; primitives and
    // logical models have no elements of their own in JSON; types the schema lacks (medplum ships
    // a few of later versions) are not R4.
    if (
      structure?.derivation === 'constraint' ||
      structure?.kind === 'logical' ||
      structure?.kind === 'primitive-type' ||
      properties(structure?.type ?? '') === undefined
    )
      continue;
    const elements = structure?.snapshot?.element ?? [];
    const backbones = backboneNames(elements);
    for (const element of elements) {
      const path = element.path?.split('.') ?? [];
      if (path.length < 2 || element.type === undefined) continue;
      const name = path[path.length - 1];
      const owner =
        path.length === 2 ? path[0] : (backbones.get(path.slice(0, -1).join('.')) ?? '');
      const known = properties(owner);
      if (name.endsWith('[x]')) {
        const base = name.slice(0, -3);
        const variants = element.type
          .map(({ code }) => base + capitalised(code ?? ''))
          .filter((variant) => known?.has(variant));
        if (variants.length === 0) skipped.push(element.path ?? name);
        else
          rulesOf(owner).choices.push({
            element: name,
            variants,
            required: (element.min ?? 0) > 0,
          });
      } else if ((element.min ?? 0) > 0 && isPrimitive(element)) {
        if (known?.has(name)) rulesOf(owner).required.push(name);
        else skipped.push(element.path ?? name);
      }
    }
  }
  return { rules, skipped };
}
