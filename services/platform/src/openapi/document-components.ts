import type { OpenAPIObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

/** The named schemas of a document; one name, one schema. */
export class Components {
  private readonly schemas = new Map<string, SchemaObject>();

  add(name: string, schema: SchemaObject): void {
    const known = this.schemas.get(name);
    if (known && JSON.stringify(known) !== JSON.stringify(schema))
      throw new Error(`two different schemas are named ${name}`);
    this.schemas.set(name, schema);
  }

  addAll(schemas: Readonly<Record<string, SchemaObject>>): void {
    for (const [name, schema] of Object.entries(schemas)) this.add(name, schema);
  }

  addConverted(converted: { readonly components: Readonly<Record<string, SchemaObject>> }): void {
    this.addAll(converted.components);
  }

  all(): Record<string, SchemaObject> {
    return Object.fromEntries(this.schemas);
  }
}

export function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The schemas the document refers to, directly or through one another. Swagger also makes a
 * schema of a handler parameter's emitted type where a compiler emits one (swc writes
 * `z.output<…>` as a reference to zod's `output`): the contract describes that parameter, so such
 * a schema is referred to by nothing and left out, and the document is the same whichever
 * compiler built the service.
 */
export function referenced(
  document: OpenAPIObject,
  schemas: Record<string, SchemaObject | ReferenceObject>,
): Record<string, SchemaObject | ReferenceObject> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const name =
        key === '$ref' && typeof value === 'string'
          ? /^#\/components\/schemas\/(.+)$/.exec(value)?.[1]
          : undefined;
      if (name !== undefined && !names.has(name)) {
        names.add(name);
        visit(schemas[name]);
      } else visit(value);
    }
  };
  visit(document.paths);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => names.has(name)));
}
