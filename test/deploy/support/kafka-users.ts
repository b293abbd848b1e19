import { join } from 'node:path';
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import {
  allTopics,
  kafkaAclsOf,
  SERVICE_NAMES,
  topicName,
  type KafkaAcl,
} from '@readmit/contracts';
import { PROJECT_ROOT } from '../../support/endpoints';
import type { Manifest } from './k8s-manifests';

/**
 * The Strimzi KafkaUsers of k8s/kafka/users.yaml, derived from the topic catalog's access table
 * (contracts/src/kafka-access.ts) so that the file cannot drift from it: `npm run k8s:kafka-users`
 * writes it, test/deploy/k8s.unit.spec.ts fails when it differs.
 */
export const KAFKA_USERS_FILE = join(PROJECT_ROOT, 'k8s', 'kafka', 'users.yaml');

/** The Kafka resource's name (k8s/kafka/kafka.yaml): the User Operator reconciles only its users. */
export const KAFKA_CLUSTER = 'readmit';

/** The user the topics Job (`readmit topics create`) authenticates as. */
export const TOPICS_ADMIN_USER = 'topics-admin';

/** The user Confluent's schema registry (k8s/base/backing) authenticates as. */
export const SCHEMA_REGISTRY_USER = 'schema-registry';

export type StrimziOperation = 'Read' | 'Write' | 'Describe' | 'Create' | 'DescribeConfigs';

/** One rule of a KafkaUser's `spec.authorization.acls` (Strimzi's AclRule). */
export interface StrimziAcl {
  readonly resource:
    | {
        readonly type: 'topic' | 'group' | 'transactionalId';
        readonly name: string;
        readonly patternType: 'literal' | 'prefix';
      }
    | { readonly type: 'cluster' };
  readonly operations: readonly StrimziOperation[];
}

export interface KafkaUserManifest extends Manifest {
  readonly apiVersion: 'kafka.strimzi.io/v1beta2';
  readonly kind: 'KafkaUser';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly authentication: { readonly type: 'scram-sha-512' };
    readonly authorization: { readonly type: 'simple'; readonly acls: readonly StrimziAcl[] };
  };
}

const RESOURCE_TYPE = {
  topic: 'topic',
  group: 'group',
  'transactional-id': 'transactionalId',
} as const satisfies Record<KafkaAcl['resource'], string>;
const PATTERN_TYPE = {
  literal: 'literal',
  prefixed: 'prefix',
} as const satisfies Record<KafkaAcl['pattern'], string>;
const OPERATION = {
  read: 'Read',
  write: 'Write',
  describe: 'Describe',
} as const satisfies Record<KafkaAcl['operation'], StrimziOperation>;

/**
 * Our bindings in Strimzi's form: one rule per resource, with every operation granted on it. A
 * KafkaUser's principal is `User:<its name>`, so bindings for another principal are refused.
 */
export function strimziAclsOf(user: string, acls: readonly KafkaAcl[]): StrimziAcl[] {
  const rules = new Map<
    string,
    { resource: StrimziAcl['resource']; operations: Set<StrimziOperation> }
  >();
  for (const acl of acls) {
    if (acl.principal !== `User:${user}`)
      throw new Error(`KafkaUser ${user} cannot carry a binding of ${acl.principal}`);
    const resource = {
      type: RESOURCE_TYPE[acl.resource],
      name: acl.name,
      patternType: PATTERN_TYPE[acl.pattern],
    };
    const key = JSON.stringify(resource);
    const rule = rules.get(key) ?? { resource, operations: new Set<StrimziOperation>() };
    rule.operations.add(OPERATION[acl.operation]);
    rules.set(key, rule);
  }
  return [...rules.values()].map(({ resource, operations }) => ({
    resource,
    operations: [...operations],
  }));
}

function kafkaUser(name: string, acls: readonly StrimziAcl[]): KafkaUserManifest {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: { name, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls },
    },
  };
}

/**
 * What `readmit topics create` does (services/platform/src/kafka/topic-provisioner.ts): lists and
 * creates the catalog's topics, waits for their leaders and offsets, and reads the brokers'
 * replication defaults. Nothing else: it alters no topic and cannot create one outside the catalog.
 */
function topicsAdminAcls(): StrimziAcl[] {
  return [
    ...allTopics().map((topic): StrimziAcl => ({
      resource: { type: 'topic', name: topicName(topic), patternType: 'literal' },
      operations: ['Create', 'Describe'],
    })),
    { resource: { type: 'cluster' }, operations: ['DescribeConfigs'] },
  ];
}

/**
 * Confluent's schema registry keeps schemas in `_schemas` (creating it compacted at first start,
 * and checking its cleanup policy) and elects its leader in the group `schema-registry`; its
 * store reader's group is `schema-registry-<host>-<port>`.
 */
function schemaRegistryAcls(): StrimziAcl[] {
  return [
    {
      resource: { type: 'topic', name: '_schemas', patternType: 'literal' },
      operations: ['Create', 'Read', 'Write', 'Describe', 'DescribeConfigs'],
    },
    {
      resource: { type: 'group', name: 'schema-registry', patternType: 'prefix' },
      operations: ['Read', 'Describe'],
    },
  ];
}

/** Every KafkaUser of k8s/kafka/users.yaml: one per service (named after it), then the others. */
export function kafkaUserManifests(): KafkaUserManifest[] {
  return [
    ...SERVICE_NAMES.map((service) =>
      kafkaUser(service, strimziAclsOf(service, kafkaAclsOf(service, ''))),
    ),
    kafkaUser(TOPICS_ADMIN_USER, topicsAdminAcls()),
    kafkaUser(SCHEMA_REGISTRY_USER, schemaRegistryAcls()),
  ];
}

// Flow style where it keeps the file readable: one line per ACL rule.
const FLOW_KEYS = new Set(['labels', 'authentication', 'resource', 'operations']);

/** k8s/kafka/users.yaml as the generator writes it (before prettier formats it). */
export function kafkaUsersYaml(): string {
  const header = [
    '# Generated by `npm run k8s:kafka-users` (test/deploy/support/kafka-users.ts) from the topic',
    "# catalog's access table, contracts/src/kafka-access.ts: change that and regenerate.",
    '# One KafkaUser per service, named after it, so that its principal User:<service> is granted',
    '# exactly kafkaAclsOf(<service>); then the users of the topics Job and the schema registry.',
    '# The User Operator keeps each SCRAM-SHA-512 password in a Secret named after the user.',
  ];
  const documents = kafkaUserManifests().map((manifest) => {
    const document = new Document(manifest);
    visit(document, {
      Pair(_, pair) {
        if (isScalar(pair.key) && FLOW_KEYS.has(String(pair.key.value)))
          if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
      },
    });
    return document.toString({ lineWidth: 0 });
  });
  return `${header.join('\n')}\n${documents.join('---\n')}`;
}

/** A stand-in for the passwords the User Operator generates. */
export const GENERATED_PASSWORD = 'generated-by-the-user-operator';

/**
 * The Secrets Strimzi creates, which the manifests reference but cannot contain: the cluster CA
 * of each Kafka (`<cluster>-cluster-ca-cert`), and, where the Kafka runs a User Operator, one per
 * SCRAM KafkaUser of that cluster, named after the user (`password`, `sasl.jaas.config`).
 */
export function strimziSecrets(manifests: readonly Manifest[]): Manifest[] {
  const secret = (name: string, stringData: Record<string, string>): Manifest => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    type: 'Opaque',
    stringData,
  });
  const clusters = manifests.filter((manifest) => manifest.kind === 'Kafka');
  const withUserOperator = new Set(
    clusters
      .filter((kafka) => {
        const entityOperator = kafka.spec?.entityOperator as { userOperator?: object } | undefined;
        return entityOperator?.userOperator !== undefined;
      })
      .map((kafka) => kafka.metadata.name),
  );
  const users = manifests.filter((manifest) => {
    const labels = manifest.metadata.labels as Record<string, string> | undefined;
    const authentication = (manifest.spec?.authentication as { type?: string } | undefined)?.type;
    return (
      manifest.kind === 'KafkaUser' &&
      withUserOperator.has(labels?.['strimzi.io/cluster'] ?? '') &&
      authentication === 'scram-sha-512'
    );
  });
  return [
    ...clusters.map((kafka) =>
      secret(`${kafka.metadata.name}-cluster-ca-cert`, {
        'ca.crt': '-----BEGIN CERTIFICATE-----',
        'ca.p12': '',
        'ca.password': '',
      }),
    ),
    ...users.map(({ metadata: { name } }) =>
      secret(name, {
        password: GENERATED_PASSWORD,
        'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="${name}" password="${GENERATED_PASSWORD}";`,
      }),
    ),
  ];
}
