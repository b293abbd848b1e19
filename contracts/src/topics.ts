import type { EventType } from './generated/events';

/** Avro namespace of every Readmit event. */
export const EVENT_NAMESPACE = 'health.readmit.v1';

export interface TopicDefinition {
  /** Logical name, e.g. `patient.encounters`; a deployment may prefix it (see `topicName`). */
  readonly name: string;
  /** What the message key is: the aggregate id, so each stream stays ordered. */
  readonly key: string;
  readonly partitions: number;
  /** Topic-level Kafka configs. */
  readonly config: Readonly<Record<string, string>>;
  /** The event types this topic carries (value schemas). */
  readonly events: readonly EventType[];
}

/** Facts are kept forever: the log is the source of truth and projections are rebuilt from it. */
const FOREVER = { 'cleanup.policy': 'delete', 'retention.ms': '-1' } as const;
/**
 * Inbound FHIR is a queue, not the record (patient.encounters is): it holds clear identifiers
 * and names, so it is kept a week, long enough to replay after an outage.
 */
const INBOUND_RETENTION = {
  'cleanup.policy': 'delete',
  'retention.ms': String(7 * 24 * 3600 * 1000),
} as const;
/** Dead letters are kept for 30 days: long enough to inspect and replay. */
const DEAD_LETTER_RETENTION = {
  'cleanup.policy': 'delete',
  'retention.ms': String(30 * 24 * 3600 * 1000),
} as const;

/** The topic catalog (docs/events.md: Topics). */
export const TOPICS = {
  encounters: {
    name: 'patient.encounters',
    key: 'encounter_id',
    partitions: 6,
    config: FOREVER,
    events: ['EncounterRecorded'],
  },
  outcomes: {
    name: 'patient.outcomes',
    key: 'encounter_id',
    partitions: 6,
    config: FOREVER,
    events: ['OutcomeRecorded'],
  },
  predictions: {
    name: 'patient.predictions',
    key: 'encounter_id',
    partitions: 6,
    config: FOREVER,
    events: ['PredictionMade'],
  },
  shadowPredictions: {
    name: 'patient.predictions.shadow',
    key: 'encounter_id',
    partitions: 6,
    config: FOREVER,
    events: ['PredictionMade'],
  },
  /** Re-scored history (issue 9): one PredictionMade per encounter per backfill, apart from live ones. */
  /**
   * Forgotten patients (issue 23), keyed by patient pseudonym: every reader that keeps something
   * about a patient drops it on this event, and a rebuild replays it too.
   */
  forgotten: {
    name: 'patient.forgotten',
    key: 'patient_nbr',
    partitions: 1,
    config: FOREVER,
    events: ['PatientForgotten'],
  },
  backfillPredictions: {
    name: 'patient.predictions.backfill',
    key: 'encounter_id',
    partitions: 6,
    config: FOREVER,
    events: ['PredictionMade'],
  },
  batches: {
    name: 'ml.batches',
    key: 'batchId',
    partitions: 1,
    config: FOREVER,
    events: ['BatchArrived'],
  },
  training: {
    name: 'ml.training',
    key: 'runId',
    partitions: 3,
    config: FOREVER,
    events: ['TrainingRequested', 'ModelImportRequested', 'TrainingCompleted', 'TrainingFailed'],
  },
  models: {
    name: 'ml.models',
    key: 'modelName',
    partitions: 1,
    config: FOREVER,
    events: ['ModelPromoted', 'ModelRejected', 'ModelRolledBack', 'ChallengerAssigned'],
  },
  drift: {
    name: 'ml.drift',
    key: 'modelVersion',
    partitions: 1,
    config: FOREVER,
    events: ['DriftDetected'],
  },
  backfills: {
    name: 'ml.backfills',
    key: 'backfillId',
    partitions: 3,
    config: FOREVER,
    events: ['BackfillRequested', 'BackfillProgressed', 'BackfillCompleted'],
  },
  /**
   * FHIR R4 from hospital systems (issue 24): each message a Bundle as JSON (not Avro: the
   * senders are EHR integration engines), read by ingest like `POST /fhir`. Keyed as the sender
   * likes (a patient's MRN keeps a patient's bundles in order).
   */
  fhirBundles: {
    name: 'fhir.bundles',
    key: "sender's choice (e.g. the patient's MRN)",
    partitions: 6,
    config: INBOUND_RETENTION,
    events: [],
  },
  /** The audit trail (issue 23): who did what and when, kept forever, keyed by principal. */
  audit: {
    name: 'readmit.audit',
    key: 'principal',
    partitions: 3,
    config: FOREVER,
    events: ['AuditRecorded'],
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicKey = keyof typeof TOPICS;

export const DEAD_LETTER_SUFFIX = '.dlq';

/** The dead-letter topic of a source topic: same key, raw bytes, error headers. */
export function deadLetterTopicOf(topic: TopicDefinition): TopicDefinition {
  return {
    name: `${topic.name}${DEAD_LETTER_SUFFIX}`,
    key: topic.key,
    partitions: topic.partitions,
    config: DEAD_LETTER_RETENTION,
    events: [],
  };
}

/** Requests and replies are worth nothing after a minute; an hour is room to debug. */
const REQUEST_RETENTION = {
  'cleanup.policy': 'delete',
  'retention.ms': String(3600 * 1000),
} as const;

/**
 * Request-reply topics (JSON, @nestjs/microservices' Kafka transport), not event topics: REST
 * predictions go to the scoring service and back through them. The reply topic is named after
 * the request topic, as Nest's client expects.
 */
export const RPC_TOPICS = {
  scoringRequests: {
    name: 'readmit.scoring.predict',
    key: '(none)',
    partitions: 6,
    config: REQUEST_RETENTION,
    events: [],
  },
  scoringReplies: {
    name: 'readmit.scoring.predict.reply',
    key: '(none)',
    partitions: 1,
    config: REQUEST_RETENTION,
    events: [],
  },
} as const satisfies Record<string, TopicDefinition>;

/** Every topic to provision: the catalog, a dead-letter topic for each, and the RPC topics. */
export function allTopics(): TopicDefinition[] {
  const topics: TopicDefinition[] = Object.values(TOPICS);
  return [...topics, ...topics.map(deadLetterTopicOf), ...Object.values(RPC_TOPICS)];
}

/** The physical topic name; a prefix isolates environments (or tests) on one cluster. */
export function topicName(topic: Pick<TopicDefinition, 'name'>, prefix = ''): string {
  return `${prefix}${topic.name}`;
}

/**
 * The topic that carries an event type by default: the first in the catalog (PredictionMade
 * also goes to patient.predictions.shadow and patient.predictions.backfill, when a producer names
 * that topic).
 */
const TOPIC_OF_EVENT = new Map<EventType, TopicDefinition>();
for (const definition of Object.values(TOPICS) as TopicDefinition[])
  for (const eventType of definition.events)
    if (!TOPIC_OF_EVENT.has(eventType)) TOPIC_OF_EVENT.set(eventType, definition);

/** Every topic that carries an event type, the default first. */
export function topicsOf(eventType: EventType): TopicDefinition[] {
  return (Object.values(TOPICS) as TopicDefinition[]).filter((definition) =>
    definition.events.includes(eventType),
  );
}

export function topicOf(eventType: EventType): TopicDefinition {
  // Looked up for every message published: a map, not a scan of the catalog.
  const topic = TOPIC_OF_EVENT.get(eventType);
  if (!topic) throw new Error(`no topic carries ${eventType}`);
  return topic;
}

const TOPIC_BY_NAME = new Map<string, TopicDefinition>(
  (Object.values(TOPICS) as TopicDefinition[]).map((definition) => [definition.name, definition]),
);

/**
 * The catalog entry of a physical topic (a catalog name under the prefix); undefined for a topic
 * outside the catalog, such as a dead-letter or RPC topic.
 */
export function catalogTopicOf(physicalTopic: string, prefix = ''): TopicDefinition | undefined {
  if (!physicalTopic.startsWith(prefix)) return undefined;
  return TOPIC_BY_NAME.get(physicalTopic.slice(prefix.length));
}

/**
 * Schema registry subject for an event on a topic: TopicRecordNameStrategy
 * (`<topic>-<namespace>.<EventType>`), because several event types share a topic.
 */
export function subjectOf(physicalTopic: string, eventType: EventType): string {
  return `${physicalTopic}-${EVENT_NAMESPACE}.${eventType}`;
}
