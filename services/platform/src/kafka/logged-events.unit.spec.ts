import { EXAMPLE_EVENTS, type EventType } from '@readmit/contracts';
import { Registry } from 'prom-client';
import { InvalidEventError, PoisonMessageError } from './kafka-errors';
import { KafkaMetrics } from './kafka-metrics';
import { readingOf, SkippedMessages } from './logged-events';
import type { DecodedEvent } from './serde/event-serde';

const PREFIX = 't1.';
const at = (topic: string) => ({
  topic: `${PREFIX}${topic}`,
  partition: 2,
  offset: '7',
  key: '42',
});
const decoded = <K extends EventType>(eventType: K): DecodedEvent =>
  ({ eventType, event: EXAMPLE_EVENTS[eventType], schemaId: 1 }) as DecodedEvent;
const wanted = new Set(['EncounterRecorded', 'OutcomeRecorded'] as const);

describe('reading a logged message', () => {
  it('hands over an event of a type asked for, with where it stands', () => {
    const reading = readingOf(decoded('OutcomeRecorded'), at('patient.outcomes'), wanted, PREFIX);
    expect(reading).toEqual({
      kind: 'event',
      event: {
        topic: 't1.patient.outcomes',
        partition: 2,
        offset: '7',
        key: '42',
        eventType: 'OutcomeRecorded',
        event: EXAMPLE_EVENTS.OutcomeRecorded,
      },
    });
  });

  it('leaves out a well-formed event of a type the catalog does not list for its topic', () => {
    const reading = readingOf(decoded('OutcomeRecorded'), at('patient.encounters'), wanted, PREFIX);
    expect(reading).toEqual(
      expect.objectContaining({
        kind: 'skipped',
        reason: 'unexpected_event_type',
        eventType: 'OutcomeRecorded',
      }),
    );
  });

  it("leaves out what the serde could not read or refused, with the serde's reason", () => {
    for (const error of [
      new PoisonMessageError('undecodable', 'not the wire format'),
      new PoisonMessageError('unknown_schema', 'schema id 9 is not in the registry'),
      new InvalidEventError('EncounterRecorded breaks the field rules: age out of range'),
    ])
      expect(readingOf(error, at('patient.encounters'), wanted, PREFIX)).toEqual({
        kind: 'skipped',
        reason: error.reason,
        eventType: null,
        detail: error.message,
      });
  });

  it('passes over a good event of a type not asked for, without counting it', () => {
    const reading = readingOf(decoded('PredictionMade'), at('patient.predictions'), wanted, PREFIX);
    expect(reading).toEqual({ kind: 'ignored', eventType: 'PredictionMade' });
  });

  it('reads a topic outside the catalog without the catalog check', () => {
    const reading = readingOf(decoded('OutcomeRecorded'), at('elsewhere'), wanted, PREFIX);
    expect(reading.kind).toBe('event');
  });
});

describe('skipped messages', () => {
  it('counts by reason and in the skipped metric, under the event type of a misrouted event', async () => {
    const metrics = KafkaMetrics.for(new Registry());
    const skipped = new SkippedMessages('replay.trainer', metrics);
    skipped.count('t1.patient.encounters', 'undecodable', null);
    skipped.count('t1.patient.encounters', 'undecodable', null);
    skipped.count('t1.patient.encounters', 'unexpected_event_type', 'OutcomeRecorded');
    expect(skipped.counts).toEqual({
      undecodable: 2,
      unknown_schema: 0,
      unknown_event_type: 0,
      invalid_event: 0,
      unexpected_event_type: 1,
      sealed_without_keys: 0,
      patient_forgotten: 0,
    });
    expect(skipped.total).toBe(3);
    const values = (await metrics.skipped.get()).values.map(({ labels, value }) => ({
      ...labels,
      value,
    }));
    expect(values).toEqual(
      expect.arrayContaining([
        {
          topic: 't1.patient.encounters',
          event_type: 'undecodable',
          group: 'replay.trainer',
          value: 2,
        },
        {
          topic: 't1.patient.encounters',
          event_type: 'OutcomeRecorded',
          group: 'replay.trainer',
          value: 1,
        },
      ]),
    );
  });
});
