import type { KafkaAcl } from '@readmit/contracts';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type AclEntry,
  type Kafka,
} from 'kafkajs';

const RESOURCE: Record<KafkaAcl['resource'], AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  'transactional-id': AclResourceTypes.TRANSACTIONAL_ID,
};
const OPERATION: Record<KafkaAcl['operation'], AclOperationTypes> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
};
const PATTERN: Record<KafkaAcl['pattern'], ResourcePatternTypes> = {
  literal: ResourcePatternTypes.LITERAL,
  prefixed: ResourcePatternTypes.PREFIXED,
};

/** kafkajs's binding for one of our ACLs: ALLOW from any host. */
export function aclEntryOf(acl: KafkaAcl): AclEntry {
  return {
    principal: acl.principal,
    host: '*',
    resourceType: RESOURCE[acl.resource],
    resourceName: acl.name,
    resourcePatternType: PATTERN[acl.pattern],
    operation: OPERATION[acl.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/**
 * Creates the bindings on the cluster through `kafka` (a principal allowed to alter ACLs: a super
 * user). Kafka keeps a binding once, so applying the same set again changes nothing.
 */
export async function applyKafkaAcls(kafka: Kafka, acls: readonly KafkaAcl[]): Promise<void> {
  if (acls.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Batches keep each CreateAcls request small on a cluster with many prefixes.
    for (let start = 0; start < acls.length; start += 200)
      await admin.createAcls({ acl: acls.slice(start, start + 200).map(aclEntryOf) });
  } finally {
    await admin.disconnect();
  }
}
