import { fullName, isNamed, type AvroRecord, type AvroSchema } from './avro-schema';

/**
 * Turns an event's .avsc (which may name shared types such as `health.readmit.v1.Envelope`) into
 * one self-contained schema: each shared type is written out in full where it is first used, as
 * the schema registry and third-party readers need. Pure: the shared definitions come in as data.
 */
export function inlineSharedTypes(
  event: AvroRecord,
  shared: ReadonlyMap<string, AvroSchema>,
): AvroRecord {
  const defined = new Set<string>();

  const visit = (schema: AvroSchema, namespace: string | undefined): AvroSchema => {
    if (typeof schema === 'string') {
      const qualified = schema.includes('.') || !namespace ? schema : `${namespace}.${schema}`;
      const definition = shared.get(qualified) ?? shared.get(schema);
      if (definition && !defined.has(qualified) && !defined.has(schema))
        return visit(structuredClone(definition), namespace);
      return schema;
    }
    if (Array.isArray(schema)) return schema.map((branch) => visit(branch, namespace));
    if (isNamed(schema)) {
      const name = fullName(schema, namespace);
      if (defined.has(name)) throw new Error(`Avro type ${name} is defined twice in ${event.name}`);
      defined.add(name);
      if (schema.type === 'enum') return schema;
      const innerNamespace = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      return {
        ...schema,
        fields: schema.fields.map((field) => ({
          ...field,
          type: visit(field.type, innerNamespace),
        })),
      };
    }
    if (schema.type === 'array') return { ...schema, items: visit(schema.items, namespace) };
    if (schema.type === 'map') return { ...schema, values: visit(schema.values, namespace) };
    return schema;
  };

  return visit(event, undefined) as AvroRecord;
}
