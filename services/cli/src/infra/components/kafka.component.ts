import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kafkaConnectionSecurity, replicationFor } from '@readmit/platform/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { VERSIONS } from '../infra-settings';
import { findJava, findMaven } from '../prerequisites';
import { isPortOpen } from '../wait-for';
import { runCommand } from '../process-control';
import type { InfraContext } from '../infra-component';
import { ServerComponent } from './server-component';

/**
 * A broker that takes only TLS + SASL/SCRAM-SHA-512 clients and authorizes them by ACL (KRaft's
 * StandardAuthorizer): for tests of a secured cluster. The users exist from the first start
 * (formatted into the metadata); `admin` is the broker's own and a super user.
 */
export interface SecureKafka {
  /** The CA and the PEM keystore of the broker's certificate (tls/local-ca.ts). */
  readonly caFile: string;
  readonly keystoreFile: string;
  /** SCRAM-SHA-512 users by name: `admin` among them. */
  readonly users: Readonly<Record<string, string>>;
}

/**
 * Where one node of a local cluster sits among the others. Without it, the component is the
 * single-node platform: node 1 on the settings' ports, in the `kafka` folders.
 */
export interface KafkaNodeLayout {
  /** KRaft node.id, 1-based; the node's folders, log and pid file are `kafka-<id>`. */
  readonly nodeId: number;
  readonly ports: KafkaNodePorts;
  /** Every node of the cluster, this one included: the KRaft controller quorum. */
  readonly voters: readonly { readonly nodeId: number; readonly controllerPort: number }[];
}

export interface KafkaNodePorts {
  readonly broker: number;
  readonly controller: number;
}

/**
 * Apache Kafka in KRaft mode, from Maven Central jars: one node that is both broker and
 * controller, alone (the default platform) or one of the nodes of a local cluster.
 */
export class KafkaComponent extends ServerComponent {
  readonly name: string;
  readonly description: string;
  // A controlled shutdown moves leadership and flushes logs; give it time before SIGKILL.
  protected override readonly stopGraceMs = 30_000;
  private readonly layout: KafkaNodeLayout;

  constructor(
    ctx: InfraContext,
    private readonly secure?: SecureKafka,
    layout?: KafkaNodeLayout,
  ) {
    super(ctx);
    if (secure && secure.users.admin === undefined)
      throw new Error('a secured broker needs an admin user (its own and a super user)');
    const { kafka: broker, kafkaController: controller } = ctx.settings.ports;
    this.layout = layout ?? {
      nodeId: 1,
      ports: { broker, controller },
      voters: [{ nodeId: 1, controllerPort: controller }],
    };
    this.name = layout ? `kafka-${layout.nodeId}` : 'kafka';
    this.description = layout
      ? `Apache Kafka ${VERSIONS.kafka} (KRaft node ${layout.nodeId} of ${layout.voters.length})`
      : `Apache Kafka ${VERSIONS.kafka} (KRaft)`;
  }

  get nodeId(): number {
    return this.layout.nodeId;
  }

  endpoint(): string {
    return `localhost:${this.layout.ports.broker}`;
  }

  protected port(): number {
    return this.layout.ports.broker;
  }

  protected ownershipMarker(): string {
    return this.dataDir;
  }

  private get libs(): string {
    return join(this.ctx.paths.tools(`kafka-${VERSIONS.kafka}`), 'libs');
  }

  private get dataDir(): string {
    return this.ctx.paths.data(this.name);
  }

  async provision(): Promise<void> {
    findJava();
    const marker = join(this.libs, '.complete');
    if (existsSync(marker)) return;
    this.ctx.log(
      `kafka: fetching Kafka ${VERSIONS.kafka} jars from Maven Central (first run only)…`,
    );
    runCommand(
      findMaven(),
      [
        '-B',
        '-q',
        '-s',
        this.ctx.paths.projectFile('infra', 'maven', 'settings.xml'),
        '-f',
        this.ctx.paths.projectFile('infra', 'kafka', 'pom.xml'),
        `-Dkafka.version=${VERSIONS.kafka}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${this.libs}`,
        '-DincludeScope=runtime',
      ],
      { description: 'fetching the Kafka jars with Maven' },
    );
    writeFileSync(marker, new Date().toISOString());
  }

  async start(): Promise<void> {
    const { java, args } = this.prepare();
    await this.launch(java, args);
  }

  /**
   * Starts the node without waiting for it: a node of a cluster answers only once a majority of
   * the controller quorum runs, so the cluster starts its nodes first and waits after.
   */
  begin(): void {
    const { java, args } = this.prepare();
    this.spawn(java, args);
  }

  /** Resolves once a node started with begin() answers as a broker of the cluster. */
  async ready(): Promise<void> {
    await this.untilAnswering();
  }

  /**
   * Writes server.properties and the log4j configuration, formats the log folder on the first
   * start, and returns the broker's command line. Apart from start() so that a test can have
   * Kafka's own tools read what we write without starting a broker.
   */
  prepare(): { java: string; args: string[] } {
    const java = findJava();
    const configDir = this.ctx.paths.run(`${this.name}-config`);
    mkdirSync(configDir, { recursive: true });
    const serverProperties = join(configDir, 'server.properties');
    writeFileSync(serverProperties, kafkaServerProperties(this.layout, this.dataDir, this.secure));
    const log4j = join(configDir, 'log4j.properties');
    writeFileSync(log4j, LOG4J_PROPERTIES);
    // Each is one argument (no shell): a space in the project folder needs no quoting. The log4j
    // location is a URL, so the path is percent-encoded (a space, `%` or `#` would misparse).
    const classpath = `${this.libs}/*`;
    const jvmLogging = `-Dlog4j.configuration=${pathToFileURL(log4j).href}`;

    if (!existsSync(join(this.dataDir, 'meta.properties'))) {
      mkdirSync(this.dataDir, { recursive: true });
      const clusterId = this.clusterId();
      this.ctx.log(`kafka: formatting storage in ${this.dataDir}`);
      runCommand(
        java,
        [
          '-cp',
          classpath,
          jvmLogging,
          'kafka.tools.StorageTool',
          'format',
          // One argument with `=`: an id that starts with `-` would otherwise read as an option.
          `--cluster-id=${clusterId}`,
          '-c',
          serverProperties,
          // SCRAM users go into the metadata from the start: the broker itself is one of them.
          ...Object.entries(this.secure?.users ?? {}).flatMap(([name, password]) => [
            '--add-scram',
            `SCRAM-SHA-512=[name=${name},password=${password}]`,
          ]),
        ],
        {
          description: 'formatting Kafka storage',
        },
      );
    }
    // Kafka's own start script's heap and GC settings. A heap that starts small (we had 256 MiB)
    // runs past G1's occupancy threshold with the broker's steady ~180 MiB: a concurrent cycle
    // every few seconds, each with a 10-22 ms remark pause that stalls every request in flight.
    // A node of a cluster gets half: three of them share this machine with the services.
    const heap = this.layout.voters.length > 1 ? '512m' : '1g';
    const args = [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      jvmLogging,
      `-Dreadmit.data=${this.dataDir}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      serverProperties,
    ];
    return { java, args };
  }

  /** One id for every node of a cluster (the file is shared), kept across restarts. */
  private clusterId(): string {
    const file = join(
      this.dataDir,
      '..',
      this.layout.voters.length > 1 ? 'kafka-cluster-id-multi' : 'kafka-cluster-id',
    );
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    // Kafka cluster ids are 16 random bytes in URL-safe base64 (22 characters); like Kafka's
    // own Uuid.randomUuid, never one starting with `-`, which command lines take for an option.
    let id: string;
    do id = randomBytes(16).toString('base64url');
    while (id.startsWith('-'));
    writeFileSync(file, id);
    return id;
  }

  /**
   * The node is a registered broker of a cluster that has an active controller, and sees every
   * node of its cluster as a broker: topics created right after are replicated to all of them.
   */
  protected async answers(): Promise<boolean> {
    if (!(await isPortOpen(this.layout.ports.broker))) return false;
    const kafka = new Kafka({
      clientId: 'readmit-infra',
      brokers: [this.endpoint()],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 0 },
      ...(this.secure
        ? kafkaConnectionSecurity({
            tls: { caFile: this.secure.caFile },
            sasl: {
              mechanism: 'scram-sha-512',
              username: 'admin',
              password: this.secure.users.admin,
            },
          })
        : {}),
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return (
        cluster.controller !== null &&
        cluster.brokers.some((broker) => broker.nodeId === this.layout.nodeId) &&
        cluster.brokers.length >= this.layout.voters.length
      );
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

const LOG4J_PROPERTIES = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=INFO',
  'log4j.logger.state.change.logger=WARN',
  'log4j.logger.kafka.request.logger=WARN',
  '',
].join('\n');

/** The broker's configuration, written to server.properties on every start. */
export function kafkaServerProperties(
  layout: KafkaNodeLayout,
  logDir: string,
  secure?: SecureKafka,
): string {
  const { nodeId, ports, voters } = layout;
  const listener = secure ? 'SASL_SSL' : 'PLAINTEXT';
  // Internal topics as replicated as the catalog's (topic-provisioner): RF 3, min ISR 2 on 3+.
  const { replicationFactor, minInsyncReplicas } = replicationFor(voters.length);
  return [
    '# Written by `readmit infra up`; edits are overwritten on the next start.',
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters.map((voter) => `${voter.nodeId}@127.0.0.1:${voter.controllerPort}`).join(',')}`,
    `listeners=${listener}://127.0.0.1:${ports.broker},CONTROLLER://127.0.0.1:${ports.controller}`,
    `advertised.listeners=${listener}://localhost:${ports.broker}`,
    'controller.listener.names=CONTROLLER',
    `inter.broker.listener.name=${listener}`,
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,${listener}:${listener}`,
    ...(secure ? secureBrokerProperties(secure) : []),
    `log.dirs=${javaPropertiesValue(logDir)}`,
    // Topics are provisioned explicitly from the catalog; a typo must not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    `default.replication.factor=${replicationFactor}`,
    `min.insync.replicas=${minInsyncReplicas}`,
    // Fewer partitions than Kafka's 50 start faster on 2 cores.
    `offsets.topic.replication.factor=${replicationFactor}`,
    'offsets.topic.num.partitions=8',
    `transaction.state.log.replication.factor=${replicationFactor}`,
    `transaction.state.log.min.isr=${minInsyncReplicas}`,
    'transaction.state.log.num.partitions=8',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=-1',
    '',
  ].join('\n');
}

/**
 * TLS with the local CA's certificate, SCRAM-SHA-512 (the broker talks to itself as `admin`),
 * and ACLs. The controller listener stays plaintext on the loopback: its principal (ANONYMOUS,
 * the node itself) is a super user, as KRaft needs, and nothing else can reach it.
 */
function secureBrokerProperties(secure: SecureKafka): string[] {
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${secure.users.admin}";`;
  return [
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${javaPropertiesValue(secure.keystoreFile)}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${javaPropertiesValue(secure.caFile)}`,
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${javaPropertiesValue(jaas)}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users=User:admin;User:ANONYMOUS',
    'allow.everyone.if.no.acl.found=false',
  ];
}

/**
 * A value as java.util.Properties reads it back: Kafka loads the file as Latin-1 with `\`
 * escapes, so a backslash is doubled, anything outside printable ASCII becomes `\uXXXX`, and a
 * leading space is escaped (it would be dropped). Inner spaces need nothing.
 */
export function javaPropertiesValue(value: string): string {
  let escaped = '';
  for (const char of value) {
    if (char === '\\') escaped += '\\\\';
    else if (char >= ' ' && char <= '~') escaped += char;
    else {
      // Code units, not code points: Java strings are UTF-16, so astral characters become two.
      for (let i = 0; i < char.length; i++)
        escaped += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
    }
  }
  return escaped.startsWith(' ') ? `\\${escaped}` : escaped;
}
