import { DEAD_LETTER_SUFFIX, RPC_TOPICS, TOPICS, topicName, type TopicKey } from './topics';

/**
 * Who may do what on Kafka (issue 25): one principal per service, each allowed only its own
 * topics, consumer groups and transactional ids. The topic entries are keyed by the catalog, so a
 * topic added to the catalog does not compile until its readers and writers are named here.
 */
export const SERVICE_NAMES = [
  'ingest',
  'trainer',
  'registry',
  'scoring',
  'gateway',
  'monitor',
  'backfill',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface TopicAccess {
  /** Services that produce to the topic. */
  readonly writers: readonly ServiceName[];
  /** Services that consume it; each may also write the topic's dead letters (`<topic>.dlq`). */
  readonly readers: readonly ServiceName[];
}

const EVERY_SERVICE = SERVICE_NAMES;

/** Readers and writers of every catalog topic (docs/events.md: Topics). */
export const TOPIC_ACCESS: Readonly<Record<TopicKey, TopicAccess>> = {
  encounters: {
    writers: ['ingest'],
    readers: ['ingest', 'scoring', 'trainer', 'monitor', 'backfill', 'gateway'],
  },
  outcomes: {
    writers: ['ingest'],
    readers: ['ingest', 'trainer', 'monitor', 'backfill', 'gateway'],
  },
  predictions: { writers: ['scoring'], readers: ['monitor', 'gateway'] },
  shadowPredictions: { writers: ['scoring'], readers: ['monitor'] },
  // Every service that keeps something about a patient drops it on this event.
  forgotten: { writers: ['ingest'], readers: EVERY_SERVICE },
  backfillPredictions: { writers: ['backfill'], readers: ['backfill', 'gateway'] },
  batches: { writers: ['ingest'], readers: ['registry', 'gateway'] },
  training: {
    writers: ['registry', 'trainer'],
    readers: ['registry', 'trainer', 'scoring', 'monitor', 'gateway'],
  },
  models: {
    writers: ['registry'],
    readers: ['registry', 'scoring', 'trainer', 'monitor', 'backfill', 'gateway'],
  },
  drift: { writers: ['monitor'], readers: ['registry', 'gateway'] },
  backfills: { writers: ['backfill'], readers: ['backfill', 'gateway'] },
  // Written by the hospital's integration engine under a principal of its own.
  fhirBundles: { writers: [], readers: ['ingest'] },
  // Every service records who did what; reading the trail is for auditors (the admin).
  audit: { writers: EVERY_SERVICE, readers: [] },
};

/** Readers and writers of the request-reply topics (REST predictions). */
export const RPC_TOPIC_ACCESS: Readonly<Record<keyof typeof RPC_TOPICS, TopicAccess>> = {
  scoringRequests: { writers: ['gateway'], readers: ['scoring'] },
  scoringReplies: { writers: ['scoring'], readers: ['gateway'] },
};

/**
 * The consumer groups and transactional ids of each service, as id prefixes. Most start with
 * `readmit-<service>`; followers that never commit use `readmit.<service>.` plus a random suffix.
 */
export interface ServiceKafkaIds {
  readonly groups: readonly string[];
  readonly transactionalIds: readonly string[];
  /** Other services' groups whose offsets it reads (the console's lag view). */
  readonly describesGroups?: readonly string[];
}

/** Groups every service's shared libraries use: log replays and projections, never committed. */
const SHARED_GROUPS = ['readmit.replay.', 'readmit.projection.'] as const;

export const SERVICE_KAFKA_IDS: Readonly<Record<ServiceName, ServiceKafkaIds>> = {
  ingest: { groups: ['readmit-ingest'], transactionalIds: ['readmit-ingest'] },
  trainer: { groups: ['readmit-trainer', 'readmit.trainer.'], transactionalIds: [] },
  registry: {
    groups: ['readmit-registry', 'readmit.registry.', 'readmit.orchestrator.'],
    transactionalIds: [],
  },
  scoring: {
    groups: ['readmit-scoring', 'readmit.scoring.'],
    transactionalIds: ['readmit-scoring'],
  },
  gateway: {
    groups: ['readmit-gateway', 'readmit-console', 'readmit.gateway.'],
    transactionalIds: [],
    describesGroups: ['readmit-scoring', 'readmit-monitor'],
  },
  monitor: { groups: ['readmit-monitor', 'readmit.monitor.'], transactionalIds: [] },
  backfill: {
    groups: ['readmit-backfill', 'readmit.backfill.'],
    transactionalIds: ['readmit-backfill'],
  },
};

export type KafkaResource = 'topic' | 'group' | 'transactional-id';
export type KafkaOperation = 'read' | 'write' | 'describe';

/** One ALLOW binding for a principal: `User:<service>` may `operation` on the resource(s). */
export interface KafkaAcl {
  readonly principal: string;
  readonly resource: KafkaResource;
  readonly name: string;
  /** `prefixed` covers every name starting with `name`. */
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: KafkaOperation;
}

/** The principal a service authenticates as (its SASL user name). */
export function principalOf(service: ServiceName): string {
  return `User:${service}`;
}

/**
 * Every ACL `service` needs on a deployment whose topics carry `prefix`: READ and DESCRIBE on
 * what it consumes, WRITE and DESCRIBE on what it produces and on the dead letters of what it
 * consumes, READ on its groups, WRITE and DESCRIBE on its transactional ids. Group and
 * transactional ids are allowed with and without the prefix: some are scoped to the deployment,
 * followers that never commit are not.
 */
export function kafkaAclsOf(service: ServiceName, prefix = ''): KafkaAcl[] {
  const principal = principalOf(service);
  const acls: KafkaAcl[] = [];
  const add = (
    resource: KafkaResource,
    name: string,
    operation: KafkaOperation,
    pattern: KafkaAcl['pattern'] = 'literal',
  ) => acls.push({ principal, resource, name, pattern, operation });

  const accesses: Array<[string, TopicAccess]> = [
    ...(Object.keys(TOPIC_ACCESS) as TopicKey[]).map((key): [string, TopicAccess] => [
      TOPICS[key].name,
      TOPIC_ACCESS[key],
    ]),
    ...(Object.keys(RPC_TOPIC_ACCESS) as Array<keyof typeof RPC_TOPICS>).map(
      (key): [string, TopicAccess] => [RPC_TOPICS[key].name, RPC_TOPIC_ACCESS[key]],
    ),
  ];
  for (const [name, access] of accesses) {
    const topic = topicName({ name }, prefix);
    const reads = access.readers.includes(service);
    const writes = access.writers.includes(service);
    if (reads) add('topic', topic, 'read');
    if (writes) add('topic', topic, 'write');
    if (reads || writes) add('topic', topic, 'describe');
    if (reads) {
      add('topic', `${topic}${DEAD_LETTER_SUFFIX}`, 'write');
      add('topic', `${topic}${DEAD_LETTER_SUFFIX}`, 'describe');
    }
  }

  const ids = SERVICE_KAFKA_IDS[service];
  const scopedAndNot = (id: string) => [...new Set([`${prefix}${id}`, id])];
  for (const group of [...ids.groups, ...SHARED_GROUPS].flatMap(scopedAndNot)) {
    add('group', group, 'read', 'prefixed');
    add('group', group, 'describe', 'prefixed');
  }
  for (const group of (ids.describesGroups ?? []).flatMap(scopedAndNot))
    add('group', group, 'describe', 'prefixed');
  for (const id of ids.transactionalIds.flatMap(scopedAndNot)) {
    add('transactional-id', id, 'write', 'prefixed');
    add('transactional-id', id, 'describe', 'prefixed');
  }
  return acls;
}

/** The ACLs of every service on a deployment with `prefix`. */
export function allServiceAcls(prefix = ''): KafkaAcl[] {
  return SERVICE_NAMES.flatMap((service) => kafkaAclsOf(service, prefix));
}
