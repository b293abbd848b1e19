import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EXAMPLE_EVENTS, EXAMPLE_PSEUDONYMS, TOPICS } from '@readmit/contracts';
import { Registry } from 'prom-client';
import { PROJECT_ROOT, testEndpoints } from '../../../../test/support/endpoints';
import { isolatedCatalog, physical, quietLogger, testKafka } from '../../../../test/support/kafka';
import { pythonWithConfluentClient } from '../../../../test/support/python-clients';
import { EventPublisher } from './event-publisher';
import { KafkaMetrics } from './kafka-metrics';
import { EventSerde } from './serde/event-serde';

interface ThirdPartyMessage {
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown> & { envelope: Record<string, unknown> };
}

describe('a client that is not ours reads our topics', () => {
  it("decodes our Avro events with Confluent's Python client and the schema registry", async () => {
    const python = pythonWithConfluentClient();
    const { schemaRegistryUrl, kafkaBrokers } = testEndpoints();
    const kafka = testKafka();
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters, TOPICS.models]);
    const serde = EventSerde.create(schemaRegistryUrl, { topicPrefix: prefix });
    await serde.register(['EncounterRecorded', 'ModelPromoted', 'ModelRejected']);
    const publisher = new EventPublisher(
      kafka,
      serde,
      KafkaMetrics.for(new Registry()),
      quietLogger,
      prefix,
    );
    await publisher.publish(
      'EncounterRecorded',
      EXAMPLE_EVENTS.EncounterRecorded.encounter_id,
      EXAMPLE_EVENTS.EncounterRecorded,
    );
    await publisher.publishAll([
      { eventType: 'ModelPromoted', key: 'readmission', event: EXAMPLE_EVENTS.ModelPromoted },
      { eventType: 'ModelRejected', key: 'readmission', event: EXAMPLE_EVENTS.ModelRejected },
    ]);
    await publisher.disconnect();

    const read = (topic: string, count: number): ThirdPartyMessage[] => {
      const result = spawnSync(
        python,
        [
          join(PROJECT_ROOT, 'test', 'fixtures', 'third_party_reader.py'),
          kafkaBrokers.join(','),
          schemaRegistryUrl,
          topic,
          String(count),
        ],
        { encoding: 'utf8', timeout: 90_000 },
      );
      if (result.status !== 0) throw new Error(result.stderr);
      return JSON.parse(result.stdout) as ThirdPartyMessage[];
    };

    const [encounter] = read(physical(TOPICS.encounters, prefix), 1);
    expect(encounter.key).toBe(EXAMPLE_PSEUDONYMS.encounter);
    expect(encounter.headers.eventType).toBe('EncounterRecorded');
    expect(encounter.value).toMatchObject({
      encounter_id: EXAMPLE_PSEUDONYMS.encounter,
      patient_nbr: EXAMPLE_PSEUDONYMS.patient,
      age: '[10-20)',
      weight: null,
      diag_2: '250.01',
      insulin: 'Up',
      glyburide_metformin: 'No',
      diabetesMed: 'Yes',
    });
    expect(encounter.value.envelope).toMatchObject({
      eventType: 'EncounterRecorded',
      producer: 'readmit-examples@0.1.0',
    });
    expect(String(encounter.value.recordedAt)).toMatch(/^2026-11-22 09:30:00/);

    const decisions = read(physical(TOPICS.models, prefix), 2);
    expect(decisions.map((message) => message.headers.eventType)).toEqual([
      'ModelPromoted',
      'ModelRejected',
    ]);
    expect(decisions[0].value).toMatchObject({
      version: '8',
      previousVersion: '7',
      mode: 'AUTOMATIC',
    });
    expect(decisions[1].value.criteria).toEqual([
      {
        name: 'subgroup_auc_drop',
        candidate: 0.612,
        champion: 0.653,
        threshold: 0.02,
        passed: false,
        detail: 'age_band=[80-90)',
      },
    ]);
  });
});
