import {
  allServiceAcls,
  kafkaAclsOf,
  SERVICE_NAMES,
  TOPIC_ACCESS,
  type KafkaAcl,
} from './kafka-access';
import { TOPICS, type TopicKey } from './topics';

const allows = (
  acls: KafkaAcl[],
  resource: KafkaAcl['resource'],
  name: string,
  operation: string,
) =>
  acls.some(
    (acl) =>
      acl.resource === resource &&
      acl.operation === operation &&
      (acl.pattern === 'literal' ? acl.name === name : name.startsWith(acl.name)),
  );

describe('per-service Kafka ACLs derived from the topic catalog', () => {
  it('lets scoring read encounters and write predictions, but not write encounters', () => {
    const acls = kafkaAclsOf('scoring', 'prod.');
    expect(allows(acls, 'topic', 'prod.patient.encounters', 'read')).toBe(true);
    expect(allows(acls, 'topic', 'prod.patient.predictions', 'write')).toBe(true);
    expect(allows(acls, 'topic', 'prod.patient.encounters', 'write')).toBe(false);
    expect(allows(acls, 'topic', 'patient.encounters', 'read')).toBe(false);
    expect(allows(acls, 'topic', 'prod.readmit.audit', 'write')).toBe(true);
  });

  it('lets a reader write the dead letters of what it reads, and nothing else', () => {
    const acls = kafkaAclsOf('scoring', '');
    expect(allows(acls, 'topic', 'patient.encounters.dlq', 'write')).toBe(true);
    expect(allows(acls, 'topic', 'ml.batches.dlq', 'write')).toBe(false);
    expect(allows(acls, 'topic', 'ml.batches', 'describe')).toBe(false);
  });

  it("gives each service its own groups and transactional ids, not another's", () => {
    const scoring = kafkaAclsOf('scoring', 'prod.');
    expect(allows(scoring, 'group', 'prod.readmit-scoring', 'read')).toBe(true);
    expect(allows(scoring, 'group', 'readmit.scoring.models.abc', 'read')).toBe(true);
    expect(allows(scoring, 'transactional-id', 'prod.readmit-scoring-0', 'write')).toBe(true);
    expect(allows(scoring, 'group', 'prod.readmit-ingest-batch-tracker', 'read')).toBe(false);
    expect(allows(scoring, 'transactional-id', 'readmit-backfill-x', 'write')).toBe(false);
    const gateway = kafkaAclsOf('gateway', '');
    expect(allows(gateway, 'group', 'readmit-scoring', 'describe')).toBe(true);
    expect(allows(gateway, 'group', 'readmit-scoring', 'read')).toBe(false);
  });

  it('names a reader for every catalog topic and a writer for every topic a service writes', () => {
    for (const key of Object.keys(TOPICS) as TopicKey[]) {
      const access = TOPIC_ACCESS[key];
      expect([key, access.readers.length + access.writers.length > 0]).toEqual([key, true]);
    }
    // A topic with events is written by some service, except inbound FHIR (an EHR writes it).
    const unwritten = (Object.keys(TOPICS) as TopicKey[]).filter(
      (key) => TOPIC_ACCESS[key].writers.length === 0,
    );
    expect(unwritten).toEqual(['fhirBundles']);
  });

  it('lists every service once and repeats no binding', () => {
    const acls = allServiceAcls('t.');
    const keys = acls.map((acl) => JSON.stringify(acl));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(acls.map((acl) => acl.principal))).toEqual(
      new Set(SERVICE_NAMES.map((service) => `User:${service}`)),
    );
  });
});
