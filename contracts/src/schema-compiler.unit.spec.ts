import type { AvroRecord, AvroSchema } from './avro-schema';
import { inlineSharedTypes } from './schema-compiler';

const point: AvroRecord = {
  type: 'record',
  name: 'Point',
  namespace: 'ns',
  fields: [{ name: 'x', type: 'int' }],
};
const shared = new Map<string, AvroSchema>([['ns.Point', point]]);

describe('inlineSharedTypes', () => {
  it('writes a shared type out where it is first used and refers to it by name afterwards', () => {
    const event: AvroRecord = {
      type: 'record',
      name: 'Moved',
      namespace: 'ns',
      fields: [
        { name: 'from', type: 'ns.Point' },
        { name: 'to', type: 'Point' },
        { name: 'path', type: { type: 'array', items: 'ns.Point' } },
      ],
    };
    const compiled = inlineSharedTypes(event, shared);
    expect(compiled.fields.map((field) => field.type)).toEqual([
      point,
      'Point',
      { type: 'array', items: 'ns.Point' },
    ]);
  });

  it('refuses a schema that defines the same type twice', () => {
    const event: AvroRecord = {
      type: 'record',
      name: 'Twice',
      namespace: 'ns',
      fields: [
        { name: 'a', type: { type: 'enum', name: 'Colour', symbols: ['RED'] } },
        { name: 'b', type: { type: 'enum', name: 'Colour', symbols: ['RED'] } },
      ],
    };
    expect(() => inlineSharedTypes(event, shared)).toThrow(/ns.Colour is defined twice in Twice/);
  });
});
