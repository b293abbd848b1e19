// Freezes today's example of each event, as written by today's schema, into contracts/golden:
// `npm run contracts:golden -- <version>`. Golden payloads are never rewritten: tests decode every
// one of them with the current reader schemas, so old events stay readable as contracts evolve.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import avro from 'avsc';
import { EVENT_SCHEMAS, EVENT_TYPES, EXAMPLE_EVENTS } from '../src';

const version = process.argv[2];
if (!version || !/^v\d+$/.test(version)) {
  console.error('usage: npm run contracts:golden -- v<N>');
  process.exit(2);
}
const root = resolve(__dirname, '..', 'golden', version);
mkdirSync(root, { recursive: true });
for (const eventType of EVENT_TYPES) {
  const file = join(root, `${eventType}.json`);
  if (existsSync(file)) continue;
  const schema = EVENT_SCHEMAS[eventType];
  const payload = avro.Type.forSchema(schema as avro.Schema).toBuffer(EXAMPLE_EVENTS[eventType]);
  writeFileSync(
    file,
    `${JSON.stringify({ writerSchema: schema, payloadBase64: payload.toString('base64') }, null, 2)}\n`,
  );
  console.log(`wrote contracts/golden/${version}/${eventType}.json`);
}
