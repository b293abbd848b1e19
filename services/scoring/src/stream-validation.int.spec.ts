import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { RPC_TOPICS, TOPICS, deadLetterTopicOf, type PredictionMade } from '@readmit/contracts';
import { createService } from '@readmit/platform/bootstrap';
import { DLQ_HEADERS, replayLog } from '@readmit/platform/kafka';
import type { KafkaMessage } from 'kafkajs';
import request from 'supertest';
import { promoteSmallModel } from '../../../test/support/champion';
import { invalidEncounters, misroutedEvent } from '../../../test/support/encounters';
import { eventually, testEndpoints, uniqueName } from '../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  watchEvents,
} from '../../../test/support/kafka';
import { scoringEnvSchema } from './scoring.config';
import { ScoringModule } from './scoring.module';
import { idOfPseudonym } from '../../../test/support/pseudonyms';

describe('stream scoring: events that break the field rules, or do not belong on the topic', () => {
  it('scores each valid encounter once, and dead-letters the invalid and the misrouted ones with their reasons', async () => {
    const streams = await isolatedEventStreams(
      [
        TOPICS.encounters,
        TOPICS.predictions,
        TOPICS.shadowPredictions,
        TOPICS.models,
        deadLetterTopicOf(TOPICS.encounters),
        RPC_TOPICS.scoringRequests,
        RPC_TOPICS.scoringReplies,
      ],
      ['EncounterRecorded', 'PredictionMade', 'ModelPromoted'],
    );
    const { kafka, prefix, serde, publisher } = streams;
    const root = mkdtempSync(join(tmpdir(), 'readmit-scoring-validation-'));
    const predictions = await watchEvents<PredictionMade>(
      kafka,
      serde,
      physical(TOPICS.predictions, prefix),
    );
    const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
    let app: INestApplication | undefined;
    const producer = kafka.producer();
    try {
      await promoteSmallModel(publisher, root);
      app = await createService(
        { name: 'scoring', envSchema: scoringEnvSchema, module: ScoringModule },
        {
          READMIT_HTTP_PORT: '0',
          READMIT_LOG_LEVEL: 'fatal',
          READMIT_KAFKA_BROKERS: kafkaBrokers.join(','),
          READMIT_SCHEMA_REGISTRY_URL: schemaRegistryUrl,
          READMIT_DATABASE_URL: databaseUrl,
          READMIT_TOPIC_PREFIX: prefix,
          READMIT_OBJECT_STORE_ROOT: root,
          READMIT_INSTANCE_ID: uniqueName('scoring'),
          READMIT_SCORING_BATCH: '4',
        },
      );

      // One partition, in this order, so that once the last encounter is scored every message
      // before it has been handled (and its transaction committed).
      const [absurd, endless] = invalidEncounters(1001);
      const encounter = (id: number) => ({
        key: String(id),
        value: serde.encode('EncounterRecorded', exampleEncounter(id)),
      });
      const messages = [
        ...[1, 2, 3, 4, 5].map(encounter),
        { key: '1001', value: serde.encode('EncounterRecorded', absurd) },
        ...[6, 7, 8].map(encounter),
        { key: 'misrouted', value: misroutedEvent(serde) },
        { key: '1002', value: serde.encode('EncounterRecorded', endless) },
        ...[9, 10, 11, 12].map(encounter),
      ];
      await producer.connect();
      await producer.send({
        topic: physical(TOPICS.encounters, prefix),
        messages: messages.map((message) => ({ ...message, partition: 0 })),
      });

      await eventually(
        async () =>
          predictions.events.some((p) => idOfPseudonym(p.encounter_id) === 12) ? true : undefined,
        60_000,
      );
      // Everything committed by now, read to the end: exactly the valid encounters, once each.
      const scored: number[] = [];
      await replayLog(
        kafka,
        [physical(TOPICS.predictions, prefix)],
        async (_topic, _partition, message) => {
          const { event } = await serde.decode(message.value);
          scored.push(idOfPseudonym((event as PredictionMade).encounter_id));
        },
        { purpose: 'test-predictions' },
      );
      expect(scored.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

      const letters: KafkaMessage[] = [];
      await replayLog(
        kafka,
        [physical(deadLetterTopicOf(TOPICS.encounters), prefix)],
        async (_topic, _partition, message) => void letters.push(message),
        { purpose: 'test-dlq' },
      );
      const header = (message: KafkaMessage, name: string) => String(message.headers?.[name]);
      // Dead letters keep their source's key, so they spread over the partitions: by key.
      expect(
        Object.fromEntries(
          letters.map((message) => [
            String(message.key),
            [header(message, DLQ_HEADERS.reason), header(message, DLQ_HEADERS.error)],
          ]),
        ),
      ).toEqual({
        '1001': [
          'invalid_event',
          expect.stringMatching(
            /^EncounterRecorded breaks the field rules: gender is not one of .*; age is not one of .*; time_in_hospital is not a whole number from 1 to 14; num_lab_procedures is not a whole number from 0 to 999$/,
          ),
        ],
        '1002': [
          'invalid_event',
          'EncounterRecorded breaks the field rules: time_in_hospital is not a whole number from 1 to 14',
        ],
        misrouted: [
          'unexpected_event_type',
          'ModelPromoted is not an event of patient.encounters (it carries EncounterRecorded)',
        ],
      });
      expect(letters).toHaveLength(3);
      // Neither identifiers nor the values sent travel in the headers.
      const errors = letters.map((message) => header(message, DLQ_HEADERS.error)).join('\n');
      expect(errors).not.toMatch(/1001|1002|55629189|Banana|\[900-1000\)|2147483647/);

      const { text } = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(text).toMatch(
        /^readmit_kafka_dead_letters_total\{[^}]*reason="invalid_event"[^}]*\} 2$/m,
      );
      expect(text).toMatch(
        /^readmit_kafka_dead_letters_total\{[^}]*reason="unexpected_event_type"[^}]*\} 1$/m,
      );
    } finally {
      await producer.disconnect();
      await app?.close();
      await predictions.stop();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
