import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Gives every partition to one member of the group (the first by member id) and none to the
 * others, who wait as hot standbys: for consumers that need one view of the whole stream (a
 * batch tracker, windows over several topics). A standby takes over when the active member
 * leaves.
 */
export const ActiveStandbyAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'ReadmitActiveStandby',
  version: 1,
  async assign({ members, topics }) {
    const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
    const assignment: Record<string, number[]> = {};
    for (const topic of topics) {
      assignment[topic] = cluster
        .findTopicPartitionMetadata(topic)
        .map((metadata) => metadata.partitionId);
    }
    return sorted.map((member, index) => ({
      memberId: member.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: index === 0 ? assignment : {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'ReadmitActiveStandby',
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 1,
        topics,
        userData: Buffer.alloc(0),
      }),
    };
  },
});
