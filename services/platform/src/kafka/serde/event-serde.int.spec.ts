import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  type AvroRecord,
  type EncounterRecorded,
} from '@readmit/contracts';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { PoisonMessageError, SchemaCompatibilityError } from '../kafka-errors';
import { EventSerde } from './event-serde';

const registryUrl = testEndpoints().schemaRegistryUrl;

function withField(
  eventType: 'EncounterRecorded',
  field: AvroRecord['fields'][number],
): AvroRecord {
  const schema = structuredClone(EVENT_SCHEMAS[eventType]);
  schema.fields.push(field);
  return schema;
}

/**
 * Two writers on a fresh topic prefix: v1 with the contract's schemas (registering `eventTypes`),
 * v2 whose EncounterRecorded has an additive field (weight_kg, optional).
 */
async function twoVersions(eventTypes: Array<(typeof EVENT_TYPES)[number]>) {
  const topicPrefix = `${uniqueName('serde')}.`;
  const v1 = EventSerde.create(registryUrl, { topicPrefix });
  await v1.register(eventTypes);
  const v2 = EventSerde.create(registryUrl, {
    topicPrefix,
    schemas: {
      EncounterRecorded: withField('EncounterRecorded', {
        name: 'weight_kg',
        type: ['null', 'double'],
        default: null,
      }),
    },
  });
  await v2.register(['EncounterRecorded']);
  return { v1, v2, topicPrefix };
}

describe('EventSerde on the real schema registry', () => {
  it('registers every event under BACKWARD compatibility and round-trips each realistic example', async () => {
    const serde = EventSerde.create(registryUrl, { topicPrefix: `${uniqueName('serde')}.` });
    await serde.register();
    for (const eventType of EVENT_TYPES) {
      const message = serde.encode(eventType, EXAMPLE_EVENTS[eventType]);
      expect(message[0]).toBe(0);
      const decoded = await serde.decode(message);
      expect(decoded.eventType).toBe(eventType);
      expect(decoded.event).toEqual(EXAMPLE_EVENTS[eventType]);

      const config = await fetch(
        `${registryUrl}/config/${encodeURIComponent(serde.subjectFor(eventType))}`,
      );
      expect(((await config.json()) as { compatibilityLevel: string }).compatibilityLevel).toBe(
        'BACKWARD',
      );
    }
  });

  it('refuses a breaking change with a clear error before anything can be produced', async () => {
    const topicPrefix = `${uniqueName('serde')}.`;
    await EventSerde.create(registryUrl, { topicPrefix }).register(['EncounterRecorded']);

    const breaking = EventSerde.create(registryUrl, {
      topicPrefix,
      schemas: {
        EncounterRecorded: withField('EncounterRecorded', { name: 'weight_kg', type: 'double' }),
      },
    });
    const attempt = breaking.register(['EncounterRecorded']);
    await expect(attempt).rejects.toBeInstanceOf(SchemaCompatibilityError);
    await expect(attempt).rejects.toThrow(
      new RegExp(
        `^schema for subject '${topicPrefix}patient.encounters-health.readmit.v1.EncounterRecorded' is not BACKWARD compatible`,
      ),
    );
    expect(() => breaking.encode('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded)).toThrow(
      /not registered/,
    );
  });

  it('accepts an additive change, and old and new readers read each other', async () => {
    const { v1, v2 } = await twoVersions(['EncounterRecorded']);

    const oldMessage = v1.encode('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded);
    const readByNew = (await v2.decode(oldMessage)).event as EncounterRecorded & {
      weight_kg: number | null;
    };
    expect(readByNew.weight_kg).toBeNull();
    expect(readByNew.encounter_id).toBe(EXAMPLE_EVENTS.EncounterRecorded.encounter_id);

    const newEvent = { ...EXAMPLE_EVENTS.EncounterRecorded, weight_kg: 61.5 } as EncounterRecorded;
    const readByOld = (await v1.decode(v2.encode('EncounterRecorded', newEvent))).event;
    expect(readByOld).toEqual(EXAMPLE_EVENTS.EncounterRecorded);
  });

  it('says what is wrong with an invalid event, naming the field but not its value', () => {
    const serde = EventSerde.create(registryUrl);
    return serde.register(['OutcomeRecorded']).then(() => {
      const bad = { ...EXAMPLE_EVENTS.OutcomeRecorded, readmitted: '<30' } as never;
      expect(() => serde.encode('OutcomeRecorded', bad)).toThrow(
        'invalid OutcomeRecorded: readmitted (got string)',
      );
    });
  });

  it('classifies bad messages as poison with a reason', async () => {
    const serde = EventSerde.create(registryUrl);
    await expect(serde.decode(Buffer.from('not avro'))).rejects.toMatchObject({
      reason: 'undecodable',
    });
    await expect(
      serde.decode(Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2])),
    ).rejects.toMatchObject({ reason: 'unknown_schema' });
    await expect(serde.decode(null)).rejects.toBeInstanceOf(PoisonMessageError);
  });

  it('decodes a batch in place: poison messages are their errors, the others their events', async () => {
    const { v1, v2, topicPrefix } = await twoVersions(['EncounterRecorded', 'OutcomeRecorded']);
    const encounter = v1.encode('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded);
    const newer = v2.encode('EncounterRecorded', {
      ...EXAMPLE_EVENTS.EncounterRecorded,
      weight_kg: 61.5,
    } as EncounterRecorded);
    const batch = [
      encounter,
      Buffer.from('not avro'),
      v1.encode('OutcomeRecorded', EXAMPLE_EVENTS.OutcomeRecorded),
      Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2]),
      encounter.subarray(0, encounter.length - 3),
      Buffer.concat([encounter, Buffer.from([0])]),
      newer,
      null,
    ];
    // A fresh reader: every writer schema is fetched in the batch's first pass.
    const decoded = await EventSerde.create(registryUrl, { topicPrefix }).decodeAll(batch);
    expect(decoded).toHaveLength(batch.length);
    expect(decoded[0]).toMatchObject({ eventType: 'EncounterRecorded' });
    expect((decoded[0] as { event: unknown }).event).toEqual(EXAMPLE_EVENTS.EncounterRecorded);
    expect(decoded[1]).toMatchObject({ reason: 'undecodable' });
    expect((decoded[2] as { event: unknown }).event).toEqual(EXAMPLE_EVENTS.OutcomeRecorded);
    expect(decoded[3]).toMatchObject({ reason: 'unknown_schema' });
    expect(decoded[4]).toBeInstanceOf(PoisonMessageError);
    expect(decoded[4]).toMatchObject({ reason: 'undecodable' });
    expect(decoded[5]).toMatchObject({ reason: 'undecodable' });
    // Written with a newer version: read into our (older) reader schema.
    expect((decoded[6] as { event: unknown }).event).toEqual(EXAMPLE_EVENTS.EncounterRecorded);
    expect(decoded[7]).toBeInstanceOf(PoisonMessageError);
  });

  it('reads a truncated or overlong single message as poison, not as a half event', async () => {
    const serde = EventSerde.create(registryUrl, { topicPrefix: `${uniqueName('serde')}.` });
    await serde.register(['EncounterRecorded']);
    const message = serde.encode('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded);
    await expect(serde.decode(message.subarray(0, message.length - 1))).rejects.toMatchObject({
      reason: 'undecodable',
    });
    await expect(serde.decode(Buffer.concat([message, Buffer.from([1])]))).rejects.toMatchObject({
      reason: 'undecodable',
      message: expect.stringContaining('trailing bytes'),
    });
  });
});
