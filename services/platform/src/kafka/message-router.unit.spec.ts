import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import {
  encodeWireFormat,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  EXAMPLE_EVENTS,
  TOPICS,
  topicName,
  type EncounterRecorded,
  type EventType,
  type EventTypeMap,
} from '@readmit/contracts';
import avro from 'avsc';
import type { KafkaMessage } from 'kafkajs';
import { invalidEvent, unexpectedEvent, EVENT_VALIDATORS } from './event-validation';
import { InvalidEventError } from './kafka-errors';
import { routeMessage, type EventHandlers } from './message-router';
import { EventSerde } from './serde/event-serde';
import { encounterPseudonym } from '../../../../test/support/pseudonyms';

const PREFIX = 't-router.';
const encounters = topicName(TOPICS.encounters, PREFIX);
const outcomes = topicName(TOPICS.outcomes, PREFIX);

/** Schema ids by event type, as a registry would hand them out. */
const idOf = (eventType: EventType) => 100 + EVENT_TYPES.indexOf(eventType);
const types = new Map(
  EVENT_TYPES.map((eventType) => [
    eventType,
    avro.Type.forSchema(EVENT_SCHEMAS[eventType] as avro.Schema),
  ]),
);

/** A registry that knows our own schemas only: decoding needs nothing else. */
const registry = {
  getSchema: async (id: number) => types.get(EVENT_TYPES[id - 100]),
} as unknown as SchemaRegistry;

function serdeWith(options: { validators?: typeof EVENT_VALIDATORS } = {}) {
  return new EventSerde(registry, 'http://registry.invalid', { topicPrefix: PREFIX, ...options });
}

/** An event in the wire format, written as any producer would (no field rules on the way). */
function messageOf<K extends EventType>(
  eventType: K,
  event: EventTypeMap[K],
  offset = '0',
): KafkaMessage {
  return {
    key: Buffer.from('key'),
    value: encodeWireFormat(idOf(eventType), (types.get(eventType) as avro.Type).toBuffer(event)),
    timestamp: '0',
    attributes: 0,
    offset,
    headers: {},
  } as KafkaMessage;
}

/** The tester's event: past ingest and the gateway, straight onto patient.encounters. */
const absurd: EncounterRecorded = {
  ...EXAMPLE_EVENTS.EncounterRecorded,
  encounter_id: encounterPseudonym(987654321),
  time_in_hospital: -5,
  num_lab_procedures: -100,
  age: '[900-1000)',
  gender: 'Banana',
};

describe('routeMessage: field rules and the topic catalog', () => {
  const handled: string[] = [];
  const handlers: EventHandlers = {
    EncounterRecorded: async (event) => void handled.push(event.encounter_id),
  };
  beforeEach(() => handled.splice(0));

  it('hands a valid encounter to its handler', async () => {
    const outcome = await routeMessage(
      serdeWith(),
      handlers,
      encounters,
      0,
      messageOf('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded),
    );
    expect(outcome).toMatchObject({ kind: 'handled', eventType: 'EncounterRecorded' });
    expect(handled).toEqual([EXAMPLE_EVENTS.EncounterRecorded.encounter_id]);
  });

  it('makes an encounter that breaks the field rules poison (invalid_event), naming its fields, never calling the handler', async () => {
    const outcome = await routeMessage(
      serdeWith(),
      handlers,
      encounters,
      0,
      messageOf('EncounterRecorded', absurd),
    );
    expect(outcome).toEqual({
      kind: 'poison',
      eventType: 'unknown',
      reason: 'invalid_event',
      error: expect.stringMatching(
        /^EncounterRecorded breaks the field rules: gender is not one of .*; age is not one of .*; time_in_hospital is not a whole number from 1 to 14; num_lab_procedures is not a whole number from 0 to 999$/,
      ),
    });
    expect(handled).toEqual([]);
    // Neither the identifier nor the values go into the dead letter's header.
    const { error } = outcome as { error: string };
    expect(error).not.toMatch(/987654321|55629189|Banana|\[900-1000\)/);
    expect(error).not.toContain(absurd.encounter_id);

    const endless = { ...EXAMPLE_EVENTS.EncounterRecorded, time_in_hospital: 2147483647 };
    expect(
      await routeMessage(
        serdeWith(),
        handlers,
        encounters,
        0,
        messageOf('EncounterRecorded', endless),
      ),
    ).toMatchObject({
      kind: 'poison',
      reason: 'invalid_event',
      error:
        'EncounterRecorded breaks the field rules: time_in_hospital is not a whole number from 1 to 14',
    });
  });

  it('checks the rules whether or not the consumer handles the type: no consumer can skip them', async () => {
    const outcome = await routeMessage(
      serdeWith(),
      {},
      encounters,
      0,
      messageOf('EncounterRecorded', absurd),
    );
    expect(outcome).toMatchObject({ kind: 'poison', reason: 'invalid_event' });
  });

  it('makes a well-formed event the catalog does not list for the topic poison (unexpected_event_type)', async () => {
    const promoted = messageOf('ModelPromoted', EXAMPLE_EVENTS.ModelPromoted);
    expect(await routeMessage(serdeWith(), handlers, encounters, 0, promoted)).toEqual({
      kind: 'poison',
      eventType: 'ModelPromoted',
      reason: 'unexpected_event_type',
      error: 'ModelPromoted is not an event of patient.encounters (it carries EncounterRecorded)',
    });
    // Even when the consumer has a handler for it: the topic decides what belongs on it.
    const withHandler: EventHandlers = { ...handlers, ModelPromoted: async () => undefined };
    expect(await routeMessage(serdeWith(), withHandler, encounters, 0, promoted)).toMatchObject({
      kind: 'poison',
      reason: 'unexpected_event_type',
    });
  });

  it('skips an event the topic carries when the consumer has no handler for it', async () => {
    const outcome = await routeMessage(
      serdeWith(),
      handlers,
      outcomes,
      0,
      messageOf('OutcomeRecorded', EXAMPLE_EVENTS.OutcomeRecorded),
    );
    expect(outcome).toEqual({ kind: 'skipped', eventType: 'OutcomeRecorded' });
  });

  it('leaves topics outside the catalog alone: no expectation, the handler decides', async () => {
    const outcome = await routeMessage(
      serdeWith(),
      handlers,
      `${PREFIX}scratch`,
      0,
      messageOf('ModelPromoted', EXAMPLE_EVENTS.ModelPromoted),
    );
    expect(outcome).toEqual({ kind: 'skipped', eventType: 'ModelPromoted' });
  });
});

describe('EventSerde: the field rules on every read', () => {
  it('reads an invalid event in a batch as its InvalidEventError, in its place, the others intact', async () => {
    const decoded = await serdeWith().decodeAll([
      messageOf('EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded).value,
      messageOf('EncounterRecorded', absurd).value,
      messageOf('OutcomeRecorded', EXAMPLE_EVENTS.OutcomeRecorded).value,
    ]);
    expect(decoded[0]).toMatchObject({ eventType: 'EncounterRecorded' });
    expect(decoded[1]).toBeInstanceOf(InvalidEventError);
    expect((decoded[1] as InvalidEventError).fieldErrors.map((error) => error.field)).toEqual([
      'gender',
      'age',
      'time_in_hospital',
      'num_lab_procedures',
    ]);
    expect(decoded[2]).toMatchObject({ eventType: 'OutcomeRecorded' });
  });

  it('throws InvalidEventError from decode, unless told to hold events to no rules', async () => {
    const value = messageOf('EncounterRecorded', absurd).value;
    await expect(serdeWith().decode(value)).rejects.toBeInstanceOf(InvalidEventError);
    await expect(serdeWith({ validators: {} }).decode(value)).resolves.toMatchObject({
      event: { gender: 'Banana' },
    });
  });
});

describe('invalidEvent and unexpectedEvent', () => {
  it('names at most ten fields in the message and counts the rest', () => {
    const broken = {
      ...EXAMPLE_EVENTS.EncounterRecorded,
      metformin: 'x', repaglinide: 'x', nateglinide: 'x', chlorpropamide: 'x', glimepiride: 'x',
      acetohexamide: 'x', glipizide: 'x', glyburide: 'x', tolbutamide: 'x', pioglitazone: 'x',
      rosiglitazone: 'x', acarbose: 'x',
    } as unknown as EncounterRecorded; // prettier-ignore
    const error = invalidEvent(EVENT_VALIDATORS, 'EncounterRecorded', broken);
    expect(error?.fieldErrors).toHaveLength(12);
    expect(error?.message).toMatch(/pioglitazone is not one of No, Steady, Up, Down; and 2 more$/);
    expect(
      invalidEvent(EVENT_VALIDATORS, 'EncounterRecorded', EXAMPLE_EVENTS.EncounterRecorded),
    ).toBeNull();
    expect(
      invalidEvent(EVENT_VALIDATORS, 'OutcomeRecorded', EXAMPLE_EVENTS.OutcomeRecorded),
    ).toBeNull();
  });

  it('holds outcomes and predictions to pseudonyms (or legacy clear ids) too, never quoting one', () => {
    const clear = invalidEvent(EVENT_VALIDATORS, 'OutcomeRecorded', {
      ...EXAMPLE_EVENTS.OutcomeRecorded,
      encounter_id: '149190',
      patient_nbr: EXAMPLE_EVENTS.OutcomeRecorded.encounter_id,
    });
    expect(clear?.message).toBe(
      'OutcomeRecorded breaks the field rules: encounter_id is not a pseudonym of kind encounter; patient_nbr is not a pseudonym of kind patient',
    );
    expect(
      invalidEvent(EVENT_VALIDATORS, 'PredictionMade', {
        ...EXAMPLE_EVENTS.PredictionMade,
        encounter_id: 'legacy:149190',
      }),
    ).toBeNull();
    expect(
      invalidEvent(EVENT_VALIDATORS, 'PredictionMade', {
        ...EXAMPLE_EVENTS.PredictionMade,
        encounter_id: '',
      })?.fieldErrors,
    ).toEqual([{ field: 'encounter_id', message: 'is not a pseudonym of kind encounter' }]);
  });

  it('looks topics up in the catalog under the prefix', () => {
    expect(unexpectedEvent(encounters, PREFIX, 'EncounterRecorded')).toBeNull();
    expect(unexpectedEvent(encounters, PREFIX, 'OutcomeRecorded')?.reason).toBe(
      'unexpected_event_type',
    );
    expect(unexpectedEvent(`${encounters}.dlq`, PREFIX, 'OutcomeRecorded')).toBeNull();
    expect(unexpectedEvent(TOPICS.encounters.name, PREFIX, 'OutcomeRecorded')).toBeNull();
  });
});
