/**
 * A consumer group or transactional id for one environment. Environments share a cluster under
 * different topic prefixes (tests, demos, staging); they must never share a group or a
 * transactional id: members of one group subscribed to different topics leave partitions
 * unassigned (kafkajs' leader assigns only what it subscribes to), and a shared transactional
 * id fences the other environment's producer. An id that already carries the prefix is kept.
 */
export function environmentScoped(topicPrefix: string | undefined, id: string): string {
  const prefix = topicPrefix ?? '';
  return id.startsWith(prefix) ? id : `${prefix}${id}`;
}
