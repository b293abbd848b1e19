import { EXAMPLE_EVENTS, TOPICS, type OutcomeRecorded } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import { eventually } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  quietLogger,
} from '../../../../test/support/kafka';
import { EventFollower } from './event-follower';
import { replayEvents } from './log-replay';
import type { KafkaMetrics } from './kafka-metrics';
import type { LoggedEvent } from './logged-events';
import { encounterPseudonym, idOfPseudonym } from '../../../../test/support/pseudonyms';

type Read = LoggedEvent<'EncounterRecorded' | 'OutcomeRecorded'>;

const outcome = (id: number): OutcomeRecorded => ({
  ...EXAMPLE_EVENTS.OutcomeRecorded,
  encounter_id: encounterPseudonym(id),
});

/** Bytes that are not the wire format, and a wire-format message whose schema id no registry holds. */
const NOT_AVRO = Buffer.from('not avro');
const UNKNOWN_SCHEMA = Buffer.from([0, 0x7f, 0, 0, 1, 9, 9]);

/** Writes the messages to partition 0 in this order. */
async function writeInOrder(kafka: Kafka, topic: string, values: readonly Buffer[]) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: values.map((value) => ({ value, partition: 0 })) });
  } finally {
    await producer.disconnect();
  }
}

/**
 * patient.encounters: encounter 1, poison, an outcome (misrouted), encounter 2, an unknown
 * schema, encounter 3; patient.outcomes: outcome 1, an encounter (misrouted), outcome 2.
 */
async function badLog() {
  const streams = await isolatedEventStreams(
    [TOPICS.encounters, TOPICS.outcomes],
    ['EncounterRecorded', 'OutcomeRecorded'],
  );
  const { kafka, prefix, serde } = streams;
  const encounter = (id: number) => serde.encode('EncounterRecorded', exampleEncounter(id));
  await writeInOrder(kafka, physical(TOPICS.encounters, prefix), [
    encounter(1),
    NOT_AVRO,
    serde.encode('OutcomeRecorded', outcome(1)),
    encounter(2),
    UNKNOWN_SCHEMA,
    encounter(3),
  ]);
  await writeInOrder(kafka, physical(TOPICS.outcomes, prefix), [
    serde.encode('OutcomeRecorded', outcome(1)),
    encounter(4),
    serde.encode('OutcomeRecorded', outcome(2)),
  ]);
  const topics = [physical(TOPICS.encounters, prefix), physical(TOPICS.outcomes, prefix)];
  return { ...streams, topics };
}

/**
 * What a reader was handed, as `<topic's last name>:<event type>:<encounter id>@<offset>`, the
 * encounter by the number its pseudonym stands for.
 */
function described(events: readonly Read[]): string[] {
  return events.map(
    ({ topic, eventType, event, offset }) =>
      `${topic.split('.').pop()}:${eventType}:${idOfPseudonym(event.encounter_id)}@${offset}`,
  );
}

/** readmit_kafka_messages_skipped_total of one group, as `<topic's last name>:<event_type>=<count>`. */
async function skippedMetric(metrics: KafkaMetrics, group: string): Promise<string[]> {
  const { values } = await metrics.skipped.get();
  return values
    .filter(({ labels }) => labels.group === group)
    .map(
      ({ labels, value }) =>
        `${String(labels.topic).split('.').pop()}:${labels.event_type}=${value}`,
    )
    .sort();
}

const ENCOUNTERS = 'patient.encounters';

/** Replays the bad log (patient.encounters from `encountersFrom`), collecting what is handed over. */
async function replayed(
  eventTypes: ReadonlyArray<'EncounterRecorded' | 'OutcomeRecorded'>,
  encountersFrom?: string,
) {
  const { kafka, serde, metrics, topics, publisher } = await badLog();
  await publisher.disconnect();
  const read: Read[] = [];
  const from = encountersFrom ? [{ topic: topics[0], partition: 0, offset: encountersFrom }] : [];
  const replay = await replayEvents(
    kafka,
    serde,
    topics,
    eventTypes,
    (event) => void read.push(event),
    { purpose: 'replay-test', metrics, timeoutMs: 60_000, from },
  );
  return { read, replay, metrics };
}

describe('replaying events on the real broker', () => {
  it('hands over the good events in order, and leaves out and counts poison and misrouted events', async () => {
    const { read, replay, metrics } = await replayed(['EncounterRecorded', 'OutcomeRecorded']);

    const byTopic = (name: string) => described(read.filter(({ topic }) => topic.endsWith(name)));
    expect(byTopic(ENCOUNTERS)).toEqual([
      'encounters:EncounterRecorded:1@0',
      'encounters:EncounterRecorded:2@3',
      'encounters:EncounterRecorded:3@5',
    ]);
    expect(byTopic('patient.outcomes')).toEqual([
      'outcomes:OutcomeRecorded:1@0',
      'outcomes:OutcomeRecorded:2@2',
    ]);
    expect(replay.messages).toBe(9);
    expect(replay.skipped).toEqual({
      undecodable: 1,
      unknown_schema: 1,
      unknown_event_type: 0,
      invalid_event: 0,
      unexpected_event_type: 2,
      sealed_without_keys: 0,
      patient_forgotten: 0,
    });
    expect(await skippedMetric(metrics, 'replay.replay-test')).toEqual([
      'encounters:OutcomeRecorded=1',
      'encounters:undecodable=1',
      'encounters:unknown_schema=1',
      'outcomes:EncounterRecorded=1',
    ]);
  });

  it('starts from given positions and hands over only the types asked for', async () => {
    const { read, replay } = await replayed(['EncounterRecorded'], '3');
    // The outcomes on patient.outcomes are good events of a type not asked for: not counted.
    expect(described(read)).toEqual([
      'encounters:EncounterRecorded:2@3',
      'encounters:EncounterRecorded:3@5',
    ]);
    expect(replay.skipped).toEqual(
      expect.objectContaining({ unknown_schema: 1, undecodable: 0, unexpected_event_type: 1 }),
    );
  });
});

describe('following events on the real broker', () => {
  it('catches up with the log as it was, then hands over new events live, leaving bad ones out', async () => {
    const { kafka, serde, metrics, topics, publisher } = await badLog();
    const read: Read[] = [];
    let readAtCatchUp = -1;
    const follower = new EventFollower(kafka, serde, quietLogger, {
      name: 'follower-test',
      groupId: 'readmit.test.follower',
      topics,
      eventTypes: ['EncounterRecorded', 'OutcomeRecorded'],
      onEvent: (event) => void read.push(event),
      onCaughtUp: () => void (readAtCatchUp = read.length),
      metrics,
    });
    try {
      await follower.start();
      await follower.whenCaughtUp();
      expect(follower.isCaughtUp).toBe(true);
      // Everything good on the log at start was handed over before the catch-up.
      expect(readAtCatchUp).toBe(5);

      await writeInOrder(kafka, topics[0], [
        serde.encode('OutcomeRecorded', outcome(5)),
        serde.encode('EncounterRecorded', exampleEncounter(5)),
      ]);
      await eventually(async () => (read.length === 6 ? true : undefined));
      expect(described(read.slice(5))).toEqual(['encounters:EncounterRecorded:5@7']);
      expect(follower.skipped).toEqual(
        expect.objectContaining({ undecodable: 1, unknown_schema: 1, unexpected_event_type: 3 }),
      );
      expect(await skippedMetric(metrics, 'follower-test')).toEqual([
        'encounters:OutcomeRecorded=2',
        'encounters:undecodable=1',
        'encounters:unknown_schema=1',
        'outcomes:EncounterRecorded=1',
      ]);
    } finally {
      await follower.stop();
      await publisher.disconnect();
    }
  });
});
