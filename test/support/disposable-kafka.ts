import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient } from '@readmit/platform/kafka';
import type { KafkaSecurity } from '@readmit/platform/config';
import type { Kafka } from 'kafkajs';
import { KafkaClusterComponent } from '../../services/cli/src/infra/components/kafka-cluster.component';
import { KafkaComponent } from '../../services/cli/src/infra/components/kafka.component';
import { InfraPaths } from '../../services/cli/src/infra/infra-paths';
import { ensureLocalCertificates } from '../../services/cli/src/infra/tls/local-ca';
import { loadInfraSettings } from '../../services/cli/src/infra/infra-settings';
import { PROJECT_ROOT } from './endpoints';
import { quietLogger } from './kafka';

/** A port nothing listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The shared platform's folders, except that data, logs and pids live in a folder of its own. */
class DisposablePaths extends InfraPaths {
  constructor(
    private readonly shared: InfraPaths,
    private readonly own: InfraPaths,
  ) {
    super(loadInfraSettings(PROJECT_ROOT));
  }
  override get home(): string {
    return this.own.home;
  }
  override tools(name: string): string {
    return this.shared.tools(name);
  }
  override data(name: string): string {
    return this.own.data(name);
  }
  override build(name: string): string {
    return this.own.build(name);
  }
  override log(name: string): string {
    return this.own.log(name);
  }
  override pid(name: string): string {
    return this.own.pid(name);
  }
  override run(name: string): string {
    return this.own.run(name);
  }
}

export interface DisposableKafka {
  readonly brokers: string[];
  /** A client of this broker (for isolatedEventStreams and the like); as `security` says, if secured. */
  client(clientId: string, security?: KafkaSecurity): Kafka;
  /** Stops the broker (a controlled shutdown, as an operator's restart does). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/** Settings and folders of a disposable server: the shared platform's jars, a home of its own. */
async function disposableContext(kafkaPorts: { kafka: number; kafkaController: number }) {
  const home = mkdtempSync(join(tmpdir(), 'readmit-broker-'));
  const sharedSettings = loadInfraSettings(PROJECT_ROOT);
  const settings = { ...sharedSettings, home, ports: { ...sharedSettings.ports, ...kafkaPorts } };
  const paths = new DisposablePaths(new InfraPaths(sharedSettings), new InfraPaths(settings));
  return { home, context: { settings, paths, log: () => undefined } };
}

/**
 * A Kafka broker of a test's own, from the jars the local platform already fetched, on free
 * ports and a temporary data folder: fault tests stop and restart it without touching the broker
 * every other test uses.
 */
export async function startDisposableKafka(
  options: {
    /** SCRAM users by name (with `admin`): the broker takes TLS + SCRAM clients only, with ACLs. */
    readonly secureUsers?: Readonly<Record<string, string>>;
  } = {},
): Promise<
  DisposableKafka & { readonly caFile?: string; readonly home: string; readonly pidFile: string }
> {
  const { home, context } = await disposableContext({
    kafka: await freePort(),
    kafkaController: await freePort(),
  });
  const certificates = options.secureUsers ? ensureLocalCertificates(join(home, 'tls')) : null;
  const kafka = new KafkaComponent(
    context,
    certificates && options.secureUsers
      ? { ...certificates, users: options.secureUsers }
      : undefined,
  );
  await kafka.provision();
  await kafka.start();
  return {
    brokers: [kafka.endpoint()],
    caFile: certificates?.caFile,
    home,
    pidFile: context.paths.pid(kafka.name),
    client: (clientId, security) =>
      createKafkaClient({ brokers: [kafka.endpoint()], clientId, security }, quietLogger),
    stop: async () => {
      await kafka.stop();
    },
    start: () => kafka.start(),
    destroy: async () => {
      await kafka.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** One node of a disposable cluster, for fault tests. */
export interface DisposableKafkaNode {
  readonly nodeId: number;
  /** SIGKILL: no controlled shutdown, no flush; its partitions lose a replica at once. */
  kill(): Promise<void>;
  /** A controlled shutdown (leadership moves away first), as an operator's rolling restart. */
  stop(): Promise<void>;
  /** Starts it again on its ports and data; resolves once it is a broker of the cluster again. */
  start(): Promise<void>;
}

export interface DisposableKafkaCluster extends DisposableKafka {
  readonly nodes: readonly DisposableKafkaNode[];
  /**
   * Resolves once every partition of `topics` has all its replicas in sync (a restarted node
   * has caught up), so the next fault does not take a partition below min ISR.
   */
  untilFullyReplicated(topics: readonly string[], timeoutMs?: number): Promise<void>;
}

/**
 * A cluster of `nodes` KRaft nodes of a test's own (RF 3 and min ISR 2 from three nodes on, as
 * the topic provisioner derives), on free ports and temporary folders: Kafka's own transactions
 * system test runs on three.
 */
export async function startDisposableKafkaCluster(nodes = 3): Promise<DisposableKafkaCluster> {
  const ports = new Map<number, { broker: number; controller: number }>();
  for (let nodeId = 1; nodeId <= nodes; nodeId++)
    ports.set(nodeId, { broker: await freePort(), controller: await freePort() });
  const first = ports.get(1) as { broker: number; controller: number };
  const { home, context } = await disposableContext({
    kafka: first.broker,
    kafkaController: first.controller,
  });
  const cluster = new KafkaClusterComponent(context, {
    nodes,
    portsOf: (nodeId) => ports.get(nodeId) as { broker: number; controller: number },
  });
  await cluster.provision();
  await cluster.start();
  const brokers = cluster.brokers();
  const client = (clientId: string, security?: KafkaSecurity) =>
    createKafkaClient({ brokers, clientId, security }, quietLogger);
  return {
    brokers,
    client,
    nodes: cluster.nodes.map((node) => ({
      nodeId: node.nodeId,
      kill: async () => void (await node.kill()),
      stop: async () => void (await node.stop()),
      start: () => node.start(),
    })),
    untilFullyReplicated: (topics, timeoutMs = 120_000) =>
      untilFullyReplicated(client('replication-check'), topics, timeoutMs),
    stop: async () => void (await cluster.stop()),
    start: () => cluster.start(),
    destroy: async () => {
      await cluster.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function untilFullyReplicated(
  kafka: Kafka,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const admin = kafka.admin();
  const deadline = Date.now() + timeoutMs;
  let behind = 'not read yet';
  try {
    await admin.connect();
    while (Date.now() < deadline) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
        const lagging = metadata.flatMap((topic) =>
          topic.partitions
            .filter((partition) => partition.isr.length < partition.replicas.length)
            .map((partition) => `${topic.name}[${partition.partitionId}]`),
        );
        if (lagging.length === 0) return;
        behind = lagging.join(', ');
      } catch (error) {
        behind = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`partitions still under-replicated after ${timeoutMs} ms: ${behind}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * A disposable broker for the tests of one file: started before them and destroyed after them
 * (the file's beforeAll and afterAll). Call it at the top level of the file; the broker's members
 * answer once it has started.
 */
export function disposableKafkaForFile(): DisposableKafka {
  let broker: DisposableKafka | undefined;
  beforeAll(async () => {
    broker = await startDisposableKafka();
  }, 180_000);
  afterAll(async () => {
    await broker?.destroy();
  });
  const started = (): DisposableKafka => {
    if (!broker) throw new Error('the disposable broker has not started yet');
    return broker;
  };
  return {
    get brokers() {
      return started().brokers;
    },
    client: (clientId, security) => started().client(clientId, security),
    stop: () => started().stop(),
    start: () => started().start(),
    destroy: () => started().destroy(),
  };
}
