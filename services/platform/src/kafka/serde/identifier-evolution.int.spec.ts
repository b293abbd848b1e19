import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  encodeWireFormat,
  EVENT_SCHEMAS,
  EXAMPLE_EVENTS,
  type AvroRecord,
  type EventType,
} from '@readmit/contracts';
import { PROJECT_ROOT, testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { SchemaCompatibilityError } from '../kafka-errors';
import { EventSerde } from './event-serde';

const registryUrl = testEndpoints().schemaRegistryUrl;
const registry = new SchemaRegistry({ host: registryUrl });

/** The events whose identifiers were Avro longs before pseudonyms (contracts/golden/v1). */
const WITH_IDENTIFIERS = ['EncounterRecorded', 'OutcomeRecorded', 'PredictionMade'] as const;

function goldenV1(eventType: EventType): { writerSchema: AvroRecord; payload: Buffer } {
  const golden = JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'contracts', 'golden', 'v1', `${eventType}.json`), 'utf8'),
  ) as { writerSchema: AvroRecord; payloadBase64: string };
  return {
    writerSchema: golden.writerSchema,
    payload: Buffer.from(golden.payloadBase64, 'base64'),
  };
}

/** Registers a schema under BACKWARD compatibility, as a service of the last release did. */
async function registerOld(subject: string, schema: AvroRecord): Promise<number> {
  const config = await fetch(`${registryUrl}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  expect(config.ok).toBe(true);
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject },
  );
  return id;
}

describe('identifiers as strings: schema evolution on the real registry', () => {
  it('accepts the ["string", "long"] schemas under BACKWARD after the long ones, and reads old events as legacy clear ids', async () => {
    const topicPrefix = `${uniqueName('ids')}.`;
    const serde = EventSerde.create(registryUrl, { topicPrefix });
    const oldIds = new Map<EventType, number>();
    for (const eventType of WITH_IDENTIFIERS)
      oldIds.set(
        eventType,
        await registerOld(serde.subjectFor(eventType), goldenV1(eventType).writerSchema),
      );

    // A service of this release starts: the registry takes its schemas as BACKWARD compatible.
    await expect(serde.register([...WITH_IDENTIFIERS])).resolves.toBeUndefined();
    for (const eventType of WITH_IDENTIFIERS) {
      const versions = await fetch(
        `${registryUrl}/subjects/${encodeURIComponent(serde.subjectFor(eventType))}/versions`,
      );
      expect(((await versions.json()) as number[]).length).toBe(2);
    }

    // Events written by the last release still decode, their ids as legacy clear ids.
    const read = async (eventType: EventType) => {
      const message = encodeWireFormat(
        oldIds.get(eventType) as number,
        goldenV1(eventType).payload,
      );
      return (await serde.decode(message)).event as unknown as Record<string, unknown>;
    };
    expect(await read('EncounterRecorded')).toMatchObject({
      encounter_id: 'legacy:149190',
      patient_nbr: 'legacy:55629189',
      age: '[10-20)',
    });
    expect(await read('OutcomeRecorded')).toMatchObject({
      encounter_id: 'legacy:149190',
      patient_nbr: 'legacy:55629189',
      readmitted: 'AFTER_30_DAYS',
    });
    expect(await read('PredictionMade')).toMatchObject({
      encounter_id: 'legacy:149190',
      // Written before predictions named their patient.
      patient_nbr: null,
    });

    // And this release's own events round-trip with their pseudonyms.
    const current = serde.encode('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded);
    expect((await serde.decode(current)).event).toEqual(EXAMPLE_EVENTS.EncounterRecorded);
  });

  it('would refuse a plain string in place of the long: the union is what keeps BACKWARD', async () => {
    const topicPrefix = `${uniqueName('ids')}.`;
    const subject = `${topicPrefix}patient.outcomes-health.readmit.v1.OutcomeRecorded`;
    await registerOld(subject, goldenV1('OutcomeRecorded').writerSchema);
    const stringOnly = structuredClone(EVENT_SCHEMAS.OutcomeRecorded);
    for (const field of stringOnly.fields) if (field.pseudonym) field.type = 'string';
    const attempt = EventSerde.create(registryUrl, {
      topicPrefix,
      schemas: { OutcomeRecorded: stringOnly },
    }).register(['OutcomeRecorded']);
    await expect(attempt).rejects.toBeInstanceOf(SchemaCompatibilityError);
  });

  it('writes no identifier in the clear: a clear id, a number or a legacy id in a recorded fact is refused, naming the field only', async () => {
    const serde = EventSerde.create(registryUrl, { topicPrefix: `${uniqueName('ids')}.` });
    await serde.register([...WITH_IDENTIFIERS]);
    const refusal = (write: () => unknown) => {
      try {
        write();
      } catch (error) {
        return (error as Error).message;
      }
      return 'written';
    };
    const clear = refusal(() =>
      serde.encode('EncounterRecorded', {
        ...EXAMPLE_EVENTS.EncounterRecorded,
        patient_nbr: '55629189',
      }),
    );
    expect(clear).toBe(
      'invalid EncounterRecorded: patient_nbr is not a pseudonym (identifiers are written only as their keyed pseudonyms)',
    );
    expect(
      refusal(() =>
        serde.encode('OutcomeRecorded', {
          ...EXAMPLE_EVENTS.OutcomeRecorded,
          encounter_id: 149190 as unknown as string,
        }),
      ),
    ).toMatch(/^invalid OutcomeRecorded: encounter_id is not a pseudonym/);
    expect(
      refusal(() =>
        serde.encode('OutcomeRecorded', {
          ...EXAMPLE_EVENTS.OutcomeRecorded,
          encounter_id: 'legacy:149190',
        }),
      ),
    ).toMatch(/encounter_id is not a pseudonym/);
    // A prediction re-scoring an old encounter repeats its legacy id: already on the log.
    expect(
      refusal(() =>
        serde.encode('PredictionMade', {
          ...EXAMPLE_EVENTS.PredictionMade,
          encounter_id: 'legacy:149190',
        }),
      ),
    ).toBe('written');
  });
});
