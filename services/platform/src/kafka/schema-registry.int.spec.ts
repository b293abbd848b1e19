import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';

/** The registry that `infra up` runs must speak the Confluent API our serde library uses. */
describe('the local schema registry (Confluent API)', () => {
  const registry = new SchemaRegistry({ host: testEndpoints().schemaRegistryUrl });

  const encounterV1 = {
    type: 'record',
    name: 'ProbeEncounter',
    namespace: 'health.readmit.test',
    fields: [
      { name: 'encounterId', type: 'long' },
      { name: 'age', type: ['null', 'string'], default: null },
    ],
  };

  it('registers an Avro schema, fetches it by id and round-trips a record in the wire format', async () => {
    const subject = `${uniqueName('test.probe')}-value`;
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(encounterV1) },
      { subject },
    );
    expect(id).toBeGreaterThan(0);

    expect(await registry.getLatestSchemaId(subject)).toBe(id);
    const fetched = await eventually(async () => registry.getSchema(id));
    expect(fetched).toBeDefined();

    const payload = await registry.encode(id, { encounterId: 2278392, age: '[70-80)' });
    expect(payload[0]).toBe(0); // Confluent wire format: magic byte, then the 4-byte schema id
    expect(payload.readInt32BE(1)).toBe(id);
    expect(await registry.decode(payload)).toEqual({ encounterId: 2278392, age: '[70-80)' });
  });

  it('refuses a change that breaks BACKWARD compatibility', async () => {
    const subject = `${uniqueName('test.probe')}-value`;
    await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(encounterV1) },
      { subject },
    );
    const response = await fetch(`${testEndpoints().schemaRegistryUrl}/config/${subject}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    expect(response.ok).toBe(true);

    const breaking = {
      ...encounterV1,
      fields: [...encounterV1.fields, { name: 'weight', type: 'double' }],
    };
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }),
    ).rejects.toThrow(/incompatible/i);

    const additive = {
      ...encounterV1,
      fields: [...encounterV1.fields, { name: 'weight', type: ['null', 'double'], default: null }],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(additive) },
      { subject },
    );
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
  });
});
