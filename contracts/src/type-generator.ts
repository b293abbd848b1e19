import { fullName, isNamed, type AvroField, type AvroRecord, type AvroSchema } from './avro-schema';

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  string: 'string',
  bytes: 'Buffer',
};

/** The type of a sealed field once opened: `required` drops the null it has only for sealing. */
export function openTypeOf(field: AvroField): AvroSchema {
  if (field.sealed !== 'required') return field.type;
  if (!Array.isArray(field.type) || field.type[0] !== 'null')
    throw new Error(`sealed field ${field.name} must be a union with null first`);
  const rest = field.type.slice(1);
  return rest.length === 1 ? rest[0] : rest;
}

/**
 * Emits TypeScript declarations for self-contained event schemas: one interface per record, one
 * string-literal union per enum, named types declared once. Pure: schemas in, source text out.
 */
export function generateTypes(events: readonly AvroRecord[]): string {
  const declarations = new Map<string, string>();
  const shortNames = new Map<string, string>();

  const shortName = (qualified: string): string => {
    const short = qualified.slice(qualified.lastIndexOf('.') + 1);
    const owner = shortNames.get(short);
    if (owner && owner !== qualified)
      throw new Error(`two Avro types would both be called ${short}: ${owner}, ${qualified}`);
    shortNames.set(short, qualified);
    return short;
  };

  const typeOf = (schema: AvroSchema, namespace: string | undefined): string => {
    if (typeof schema === 'string') {
      if (PRIMITIVES[schema]) return PRIMITIVES[schema];
      return shortName(schema.includes('.') || !namespace ? schema : `${namespace}.${schema}`);
    }
    if (Array.isArray(schema)) return schema.map((branch) => typeOf(branch, namespace)).join(' | ');
    if (isNamed(schema)) {
      const qualified = fullName(schema, namespace);
      const name = shortName(qualified);
      const doc = schema.doc ? `/** ${schema.doc} */\n` : '';
      if (schema.type === 'enum') {
        declarations.set(
          name,
          `${doc}export type ${name} = ${schema.symbols.map((symbol) => `'${symbol}'`).join(' | ')};`,
        );
      } else {
        const innerNamespace = qualified.includes('.')
          ? qualified.slice(0, qualified.lastIndexOf('.'))
          : undefined;
        const fields = schema.fields.map((field) => {
          const fieldDoc = field.doc ? `  /** ${field.doc} */\n` : '';
          // An identifier field is a union with the long it once was; the serde upcasts such
          // longs to legacy clear ids at decode, so code sees strings only (identifier-fields.ts).
          // A sealed field is nullable on the wire only to be null while sealed; the serde opens
          // it before any code sees the event (sealed-fields.ts).
          // A pseudonym added after its event (PredictionMade's patient) is null in older events.
          const type = field.pseudonym
            ? Array.isArray(field.type) && field.type[0] === 'null'
              ? 'string | null'
              : 'string'
            : typeOf(field.sealed ? openTypeOf(field) : field.type, innerNamespace);
          // Written by the serde only: code that builds events leaves it out (avsc writes its default).
          const optional = field.name === 'sealedFields' ? '?' : '';
          return `${fieldDoc}  ${field.name}${optional}: ${type};`;
        });
        declarations.set(name, `${doc}export interface ${name} {\n${fields.join('\n')}\n}`);
      }
      return name;
    }
    if (schema.type === 'array') {
      const items = typeOf(schema.items, namespace);
      return items.includes(' ') ? `Array<${items}>` : `${items}[]`;
    }
    if (schema.type === 'map') return `Record<string, ${typeOf(schema.values, namespace)}>`;
    return PRIMITIVES[schema.type];
  };

  for (const event of events) typeOf(event, undefined);
  const names = events.map((event) => event.name);
  return [
    '// Generated from contracts/avro by `npm run contracts:generate`. Do not edit by hand.',
    '',
    ...[...declarations.values()].flatMap((declaration) => [declaration, '']),
    '/** Every event type, by its name (the Avro record name, the TypeScript type and the eventType header). */',
    `export interface EventTypeMap {\n${names.map((name) => `  ${name}: ${name};`).join('\n')}\n}`,
    '',
    'export type EventType = keyof EventTypeMap;',
    '',
    'export type ReadmitEvent = EventTypeMap[EventType];',
    '',
    `export const EVENT_TYPES = [${names.map((name) => `'${name}'`).join(', ')}] as const satisfies readonly EventType[];`,
    '',
  ].join('\n');
}
