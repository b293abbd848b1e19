import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import avro from 'avsc';
import type { AvroRecord, AvroSchema } from './avro-schema';
import { GENERATED_ROOT, readContractSources, renderGeneratedFiles } from './contract-sources';
import { EXAMPLE_EVENTS } from './examples';
import { EVENT_TYPES, type EventType } from './generated/events';
import { EVENT_SCHEMAS } from './generated/schemas';
import { isSealable } from './sealed-fields';
import { sharedDataFile } from '../../test/support/endpoints';
import { allTopics, subjectOf, TOPICS, topicName, topicOf, topicsOf } from './topics';

const SAMPLE_CSV = sharedDataFile('diabetic_data_sample.csv');

const fieldsOf = (eventType: EventType) => EVENT_SCHEMAS[eventType].fields;
const isNullable = (type: AvroSchema) => Array.isArray(type) && type.includes('null');

describe('generated contract files', () => {
  it.each(['events.ts', 'schemas.ts'] as const)(
    '%s is what the .avsc files generate (run npm run contracts:generate)',
    (file) => {
      expect(readFileSync(join(GENERATED_ROOT, file), 'utf8')).toBe(renderGeneratedFiles()[file]);
    },
  );

  it('has one .avsc per event of the catalog (docs/events.md, with ChallengerAssigned for the challenger stage)', () => {
    expect([...EVENT_TYPES].sort()).toEqual(
      [
        'EncounterRecorded',
        'OutcomeRecorded',
        'BatchArrived',
        'TrainingRequested',
        'ModelImportRequested',
        'TrainingCompleted',
        'TrainingFailed',
        'ModelPromoted',
        'ModelRejected',
        'ModelRolledBack',
        'ChallengerAssigned',
        'PredictionMade',
        'DriftDetected',
        'BackfillRequested',
        'BackfillProgressed',
        'BackfillCompleted',
        'AuditRecorded',
        'PatientForgotten',
      ].sort(),
    );
  });
});

describe('event schemas', () => {
  it.each(EVENT_TYPES)(
    '%s is a valid, self-contained Avro schema with the envelope first',
    (eventType) => {
      const type = avro.Type.forSchema(EVENT_SCHEMAS[eventType] as avro.Schema);
      expect(type.name).toBe(`health.readmit.v1.${eventType}`);
      const [envelope] = fieldsOf(eventType);
      expect(envelope.name).toBe('envelope');
      expect((envelope.type as AvroRecord).fields.map((field) => field.name)).toEqual([
        'eventId',
        'eventType',
        'occurredAt',
        'correlationId',
        'causationId',
        'producer',
      ]);
    },
  );

  it.each(EVENT_TYPES)('%s round-trips its realistic example through Avro binary', (eventType) => {
    const type = avro.Type.forSchema(EVENT_SCHEMAS[eventType] as avro.Schema);
    const example = EXAMPLE_EVENTS[eventType];
    // Code that builds events leaves sealedFields out; it reads back as its default.
    const expected = isSealable(eventType) ? { ...example, sealedFields: null } : example;
    expect(type.fromBuffer(type.toBuffer(example))).toEqual(expected);
  });

  it.each(EVENT_TYPES)(
    'every golden %s payload still decodes with the current reader schema',
    (eventType) => {
      const goldenRoot = resolve(__dirname, '..', 'golden');
      const reader = avro.Type.forSchema(EVENT_SCHEMAS[eventType] as avro.Schema);
      // An event type has goldens from the version it was born in.
      const versions = readdirSync(goldenRoot).filter((version) =>
        existsSync(join(goldenRoot, version, `${eventType}.json`)),
      );
      expect(versions.length).toBeGreaterThan(0);
      for (const version of versions) {
        const golden = JSON.parse(
          readFileSync(join(goldenRoot, version, `${eventType}.json`), 'utf8'),
        ) as {
          writerSchema: avro.Schema;
          payloadBase64: string;
        };
        const writer = avro.Type.forSchema(golden.writerSchema);
        const decoded = reader.fromBuffer(
          Buffer.from(golden.payloadBase64, 'base64'),
          reader.createResolver(writer),
        );
        expect(decoded.envelope.eventType).toBe(eventType);
      }
    },
  );

  it('types every column of diabetic_data.csv: the label in OutcomeRecorded, the rest in EncounterRecorded', () => {
    const [header] = readFileSync(SAMPLE_CSV, 'utf8').split('\n', 1);
    const columns = header.trim().split(',');
    expect(columns).toHaveLength(50);
    const encounterFields = new Map(
      fieldsOf('EncounterRecorded').map((field) => [field.name, field]),
    );
    for (const column of columns.filter((name) => name !== 'readmitted')) {
      expect(encounterFields.has(column.replace(/-/g, '_'))).toBe(true);
    }
    expect(fieldsOf('OutcomeRecorded').map((field) => field.name)).toContain('readmitted');
  });

  it("makes nullable every EncounterRecorded column that has '?' in the real sample", () => {
    const [header, ...rows] = readFileSync(SAMPLE_CSV, 'utf8').trim().split('\n');
    const columns = header.split(',');
    const withMissing = new Set<string>();
    for (const row of rows) {
      row
        .split(',')
        .forEach(
          (value, index) => value === '?' && withMissing.add(columns[index].replace(/-/g, '_')),
        );
    }
    expect(withMissing.size).toBeGreaterThan(5);
    const fields = new Map(fieldsOf('EncounterRecorded').map((field) => [field.name, field]));
    for (const column of withMissing)
      expect([column, isNullable(fields.get(column)?.type ?? 'string')]).toEqual([column, true]);
  });
});

describe('topic catalog', () => {
  it('puts every event type on one topic, except predictions, which shadow scoring and backfills also write', () => {
    for (const eventType of EVENT_TYPES) {
      const carriers = topicsOf(eventType).map((topic) => topic.name);
      expect([eventType, carriers]).toEqual([
        eventType,
        eventType === 'PredictionMade'
          ? ['patient.predictions', 'patient.predictions.shadow', 'patient.predictions.backfill']
          : [topicOf(eventType).name],
      ]);
    }
    // The default topic of an event type is the first that carries it.
    expect(topicOf('PredictionMade').name).toBe('patient.predictions');
  });

  it('keys each topic by a field that every one of its events has', () => {
    for (const topic of Object.values(TOPICS)) {
      for (const eventType of topic.events) {
        expect([
          topic.name,
          eventType,
          fieldsOf(eventType).some((field) => field.name === topic.key),
        ]).toEqual([topic.name, eventType, true]);
      }
    }
  });

  it('gives every topic a dead-letter topic with the same key and partitions', () => {
    const names = allTopics().map((topic) => topic.name);
    for (const topic of Object.values(TOPICS)) expect(names).toContain(`${topic.name}.dlq`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names subjects by topic and record (several event types share a topic)', () => {
    expect(topicOf('ModelRejected').name).toBe('ml.models');
    expect(subjectOf(topicName(topicOf('ModelRejected'), 'test-1.'), 'ModelRejected')).toBe(
      'test-1.ml.models-health.readmit.v1.ModelRejected',
    );
  });

  it('keeps facts forever, and inbound FHIR (clear identifiers, not the record) a week', () => {
    for (const topic of Object.values(TOPICS))
      if (topic.events.length > 0) expect(topic.config['retention.ms']).toBe('-1');
    expect(TOPICS.fhirBundles.events).toEqual([]);
    expect(TOPICS.fhirBundles.config['retention.ms']).toBe(String(7 * 24 * 3600 * 1000));
  });
});

describe('contract sources', () => {
  it('define each shared type once and name each file after its record', () => {
    const { shared, events } = readContractSources();
    expect([...shared.keys()].sort()).toEqual([
      'health.readmit.v1.Envelope',
      'health.readmit.v1.OffsetRange',
      'health.readmit.v1.PromotionCriterion',
    ]);
    expect(events).toHaveLength(EVENT_TYPES.length);
  });
});
