import type { IdentifierKind } from './identifiers';

/** The JSON shapes of Avro schemas that our contracts use (a subset of the Avro specification). */
export type AvroSchema =
  string | AvroSchema[] | AvroRecord | AvroEnum | AvroArray | AvroMap | AvroLogical;

export interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: unknown;
  /**
   * Marks an identifier field (our own attribute; Avro ignores it): it holds a keyed pseudonym of
   * this kind, never a clear id (contracts/src/identifiers.ts).
   */
  pseudonym?: IdentifierKind;
  /**
   * Marks a field sealed under the patient's data key (our own attribute): on the wire it is null
   * and its value travels encrypted in `sealedFields`; readers that hold the key see it opened.
   * `required`: the field is `["null", T]` only so that it can be null when sealed (an opened event
   * always has a T); `nullable`: its value may itself be null.
   */
  sealed?: 'required' | 'nullable';
}

export interface AvroRecord {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: AvroField[];
}

export interface AvroEnum {
  type: 'enum';
  name: string;
  namespace?: string;
  doc?: string;
  symbols: string[];
  default?: string;
}

export interface AvroArray {
  type: 'array';
  items: AvroSchema;
}

export interface AvroMap {
  type: 'map';
  values: AvroSchema;
}

export interface AvroLogical {
  type: 'int' | 'long' | 'string' | 'bytes';
  logicalType: string;
}

export function isNamed(schema: AvroSchema): schema is AvroRecord | AvroEnum {
  return (
    typeof schema === 'object' &&
    !Array.isArray(schema) &&
    (schema.type === 'record' || schema.type === 'enum')
  );
}

/** The full name of a named type, resolving its namespace the way Avro does. */
export function fullName(
  schema: AvroRecord | AvroEnum,
  enclosingNamespace: string | undefined,
): string {
  if (schema.name.includes('.')) return schema.name;
  const namespace = schema.namespace ?? enclosingNamespace;
  return namespace ? `${namespace}.${schema.name}` : schema.name;
}
