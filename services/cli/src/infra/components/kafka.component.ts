import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { VERSIONS } from '../infra-settings';
import { findJava, findMaven } from '../prerequisites';
import { isPortOpen } from '../wait-for';
import { runCommand } from '../process-control';
import { ServerComponent } from './server-component';

/** Apache Kafka in KRaft mode (one node that is both broker and controller), from Maven Central jars. */
export class KafkaComponent extends ServerComponent {
  readonly name = 'kafka';
  readonly description = `Apache Kafka ${VERSIONS.kafka} (KRaft)`;
  // A controlled shutdown moves leadership and flushes logs; give it time before SIGKILL.
  protected override readonly stopGraceMs = 30_000;

  endpoint(): string {
    return `localhost:${this.ctx.settings.ports.kafka}`;
  }

  protected port(): number {
    return this.ctx.settings.ports.kafka;
  }

  protected ownershipMarker(): string {
    return this.dataDir;
  }

  private get libs(): string {
    return join(this.ctx.paths.tools(`kafka-${VERSIONS.kafka}`), 'libs');
  }

  private get dataDir(): string {
    return this.ctx.paths.data('kafka');
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
    const java = findJava();
    const configDir = this.ctx.paths.run('kafka-config');
    mkdirSync(configDir, { recursive: true });
    const serverProperties = join(configDir, 'server.properties');
    writeFileSync(serverProperties, this.serverProperties());
    const log4j = join(configDir, 'log4j.properties');
    writeFileSync(log4j, LOG4J_PROPERTIES);
    const classpath = `${this.libs}/*`;
    const jvmLogging = `-Dlog4j.configuration=file:${log4j}`;

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
          '-t',
          clusterId,
          '-c',
          serverProperties,
        ],
        {
          description: 'formatting Kafka storage',
        },
      );
    }
    // Kafka's own start script's heap and GC settings. A heap that starts small (we had 256 MiB)
    // runs past G1's occupancy threshold with the broker's steady ~180 MiB: a concurrent cycle
    // every few seconds, each with a 10-22 ms remark pause that stalls every request in flight.
    await this.launch(java, [
      '-Xms1g',
      '-Xmx1g',
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
    ]);
  }

  private clusterId(): string {
    const file = join(this.dataDir, '..', 'kafka-cluster-id');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    // Kafka cluster ids are 16 random bytes in URL-safe base64 (22 characters).
    const id = randomBytes(16).toString('base64url');
    writeFileSync(file, id);
    return id;
  }

  protected async answers(): Promise<boolean> {
    if (!(await isPortOpen(this.ctx.settings.ports.kafka))) return false;
    const kafka = new Kafka({
      clientId: 'readmit-infra',
      brokers: [this.endpoint()],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private serverProperties(): string {
    const { kafka, kafkaController } = this.ctx.settings.ports;
    return [
      '# Written by `readmit infra up`; edits are overwritten on the next start.',
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${kafkaController}`,
      `listeners=PLAINTEXT://127.0.0.1:${kafka},CONTROLLER://127.0.0.1:${kafkaController}`,
      `advertised.listeners=PLAINTEXT://localhost:${kafka}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${this.dataDir}`,
      // Topics are provisioned explicitly from the catalog; a typo must not create a topic.
      'auto.create.topics.enable=false',
      'num.partitions=3',
      // One node: internal topics cannot be replicated, and fewer partitions start faster on 2 cores.
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=8',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=8',
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=-1',
      '',
    ].join('\n');
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
