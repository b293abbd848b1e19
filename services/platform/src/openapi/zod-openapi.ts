import type { ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** A schema as an OpenAPI document holds it: inline, or a reference to a named component. */
export type OpenApiSchema = SchemaObject | ReferenceObject;

/** A zod schema in OpenAPI terms: the schema, and the named components it refers to. */
export interface ConvertedSchema {
  readonly schema: OpenApiSchema;
  /** Schemas named with `.meta({ id })`, by name: they go to `components.schemas`. */
  readonly components: Readonly<Record<string, SchemaObject>>;
}

const COMPONENTS = '#/components/schemas/';

/**
 * What a request may send, in OpenAPI 3.0 terms, from the zod schema that checks it: the input
 * side (`io: 'input'`, so `.default()` fields are optional and transforms show what they take;
 * `'output'` for what an answer holds),
 * with zod's `.describe()`/`.meta()` texts and examples. Schemas named `.meta({ id: 'Encounter' })`
 * become components and are referred to as `#/components/schemas/Encounter`. What JSON Schema
 * cannot say (a refinement's code) is left out, never refused: the check is the schema's, the
 * document says what it can of it.
 */
export function toOpenApi(schema: z.ZodType, io: 'input' | 'output' = 'input'): ConvertedSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  const { definitions, $schema: _dialect, ...root } = json;
  const components = Object.fromEntries(
    Object.entries((definitions ?? {}) as Record<string, unknown>).map(([name, definition]) => [
      name,
      normalized(definition) as SchemaObject,
    ]),
  );
  return { schema: normalized(root) as OpenApiSchema, components };
}

/**
 * zod writes a `null` member of a union as `{ type: 'string', nullable: true, enum: [null] }`
 * (OpenAPI 3.0 has no null type); the usual spelling is `nullable: true` on the union itself.
 * References point at components rather than at JSON Schema's `definitions`.
 */
function normalized(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalized);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([key, value]) => {
    if (key === '$ref' && typeof value === 'string')
      return [key, value.replace(/^#\/definitions\//, COMPONENTS)];
    return [key, normalized(value)];
  });
  const result: Record<string, unknown> = Object.fromEntries(entries);
  for (const union of ['anyOf', 'oneOf'] as const) {
    const members = result[union];
    if (!Array.isArray(members) || !members.some(isNullMember)) continue;
    const others = members.filter((member) => !isNullMember(member));
    delete result[union];
    if (others.length === 1) Object.assign(result, others[0] as object);
    else result[union] = others;
    result.nullable = true;
  }
  return result;
}

function isNullMember(member: unknown): boolean {
  const candidate = member as { nullable?: unknown; enum?: unknown };
  return (
    candidate?.nullable === true &&
    Array.isArray(candidate.enum) &&
    candidate.enum.length === 1 &&
    candidate.enum[0] === null
  );
}

/** Where a parameter object's members are sent. */
export type ParameterLocation = 'query' | 'path' | 'header';

/**
 * The parameters an object schema describes (a query, path parameters, headers): one per
 * property, required unless the schema lets it be absent, with the property's description.
 */
export function parametersOf(
  schema: z.ZodObject,
  location: ParameterLocation,
): { readonly parameters: ParameterObject[]; readonly components: Record<string, SchemaObject> } {
  const converted = toOpenApi(schema);
  const root = converted.schema as SchemaObject;
  if (root.type !== 'object' || !root.properties)
    throw new Error(`${location} parameters are described by an object schema`);
  const required = new Set(root.required ?? []);
  const parameters = Object.entries(root.properties).map(([name, property]) => {
    const { description, example, ...rest } = property as SchemaObject;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      ...(example === undefined ? {} : { example }),
      schema: rest,
    } satisfies ParameterObject;
  });
  return { parameters, components: { ...converted.components } };
}
