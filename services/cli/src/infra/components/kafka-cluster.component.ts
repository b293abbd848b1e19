import { VERSIONS } from '../infra-settings';
import type { ComponentState, InfraComponent, InfraContext } from '../infra-component';
import { KafkaComponent, type KafkaNodePorts, type SecureKafka } from './kafka.component';

/**
 * The ports of node `nodeId` (1-based) of a local cluster whose first node has `first`: each
 * further node 100 above the one before (9092, 9192, 9292 and 9093, 9193, 9293 by default).
 */
export function clusterNodePorts(first: KafkaNodePorts, nodeId: number): KafkaNodePorts {
  const step = 100 * (nodeId - 1);
  return { broker: first.broker + step, controller: first.controller + step };
}

/**
 * A local Kafka cluster of several KRaft nodes (each broker and controller, each with its own
 * ports, data and log), started from the same jars. `infra` handles it as one component; the
 * fault tests reach its nodes one by one to kill, stop and restart them.
 */
export class KafkaClusterComponent implements InfraComponent {
  readonly name = 'kafka';
  readonly description: string;
  readonly nodes: readonly KafkaComponent[];

  constructor(
    ctx: InfraContext,
    options: {
      readonly nodes: number;
      /** Node n's ports; clusterNodePorts from the settings' Kafka ports by default. */
      readonly portsOf?: (nodeId: number) => KafkaNodePorts;
      readonly secure?: SecureKafka;
    },
  ) {
    if (!Number.isInteger(options.nodes) || options.nodes < 2)
      throw new Error(`a Kafka cluster has 2 or more nodes (asked for ${options.nodes})`);
    const first = {
      broker: ctx.settings.ports.kafka,
      controller: ctx.settings.ports.kafkaController,
    };
    const portsOf = options.portsOf ?? ((nodeId: number) => clusterNodePorts(first, nodeId));
    const ids = Array.from({ length: options.nodes }, (_, index) => index + 1);
    const voters = ids.map((nodeId) => ({ nodeId, controllerPort: portsOf(nodeId).controller }));
    this.nodes = ids.map(
      (nodeId) =>
        new KafkaComponent(ctx, options.secure, { nodeId, ports: portsOf(nodeId), voters }),
    );
    this.description = `Apache Kafka ${VERSIONS.kafka} (KRaft, ${options.nodes} nodes)`;
  }

  /** Every node's bootstrap address, comma-separated (READMIT_KAFKA_BROKERS). */
  endpoint(): string {
    return this.brokers().join(',');
  }

  brokers(): string[] {
    return this.nodes.map((node) => node.endpoint());
  }

  node(nodeId: number): KafkaComponent {
    const node = this.nodes.find((candidate) => candidate.nodeId === nodeId);
    if (!node) throw new Error(`the cluster has no node ${nodeId} (1 to ${this.nodes.length})`);
    return node;
  }

  /** Node 1's log; each node has its own (`readmit infra logs kafka-2`). */
  logFile(): string {
    return this.nodes[0].logFile();
  }

  async provision(): Promise<void> {
    // One set of jars for every node.
    await this.nodes[0].provision();
  }

  /**
   * Running when any node runs (so `up` never starts a second copy over it); healthy only when
   * every node runs and answers as a broker.
   */
  async state(): Promise<ComponentState> {
    const states = await Promise.all(this.nodes.map((node) => node.state()));
    const running = states.filter((state) => state.kind === 'running');
    if (running.length > 0)
      return {
        kind: 'running',
        pid: running[0].pid,
        healthy: running.length === states.length && running.every((state) => state.healthy),
      };
    const taken = states.find((state) => state.kind === 'port-taken');
    return taken ?? { kind: 'stopped' };
  }

  /** Starts the nodes that are not running, all at once, and waits until each answers. */
  async start(): Promise<void> {
    const states = await Promise.all(this.nodes.map((node) => node.state()));
    const toStart = this.nodes.filter((_, index) => states[index].kind !== 'running');
    for (const node of toStart) node.begin();
    await Promise.all(this.nodes.map((node) => node.ready()));
  }

  /**
   * Stops every node at once: stopped one by one, the last ones would wait out their grace
   * period for a controller quorum that is already gone.
   */
  async stop(): Promise<boolean> {
    const stopped = await Promise.all(this.nodes.map((node) => node.stop()));
    return stopped.some(Boolean);
  }
}
