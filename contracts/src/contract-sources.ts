import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fullName, type AvroRecord, type AvroSchema } from './avro-schema';
import { inlineSharedTypes } from './schema-compiler';
import { generateTypes } from './type-generator';

export const AVRO_ROOT = resolve(__dirname, '..', 'avro');
export const GENERATED_ROOT = resolve(__dirname, 'generated');

/** Reads contracts/avro: shared types from common/, one event per file elsewhere. */
export function readContractSources(root = AVRO_ROOT): {
  shared: Map<string, AvroSchema>;
  events: AvroRecord[];
} {
  const shared = new Map<string, AvroSchema>();
  for (const file of readdirSync(join(root, 'common')).sort()) {
    const schema = JSON.parse(readFileSync(join(root, 'common', file), 'utf8')) as AvroRecord;
    shared.set(fullName(schema, undefined), schema);
  }
  const events: AvroRecord[] = [];
  for (const area of readdirSync(root).sort()) {
    if (area === 'common') continue;
    for (const file of readdirSync(join(root, area)).sort()) {
      const schema = JSON.parse(readFileSync(join(root, area, file), 'utf8')) as AvroRecord;
      if (`${schema.name}.avsc` !== file)
        throw new Error(
          `${area}/${file} defines ${schema.name}: the file must be named after its record`,
        );
      events.push(schema);
    }
  }
  return { shared, events };
}

/** The generated files' contents, from the .avsc sources. */
export function renderGeneratedFiles(root = AVRO_ROOT): Record<'events.ts' | 'schemas.ts', string> {
  const { shared, events } = readContractSources(root);
  const compiled = events.map((event) => inlineSharedTypes(event, shared));
  const schemas = [
    '// Generated from contracts/avro by `npm run contracts:generate`. Do not edit by hand.',
    '// Self-contained schemas (shared types inlined), as registered in the schema registry.',
    "import type { AvroRecord } from '../avro-schema';",
    "import type { EventType } from './events';",
    '',
    `export const EVENT_SCHEMAS: Record<EventType, AvroRecord> = ${JSON.stringify(
      Object.fromEntries(compiled.map((schema) => [schema.name, schema])),
      null,
      2,
    )};`,
    '',
  ].join('\n');
  return { 'events.ts': generateTypes(compiled), 'schemas.ts': schemas };
}
