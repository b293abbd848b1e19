import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient } from '@readmit/platform/kafka';
import type { KafkaSecurity } from '@readmit/platform/config';
import type { Kafka } from 'kafkajs';
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
): Promise<DisposableKafka & { readonly caFile?: string }> {
  const home = mkdtempSync(join(tmpdir(), 'readmit-broker-'));
  const sharedSettings = loadInfraSettings(PROJECT_ROOT);
  const settings = {
    ...sharedSettings,
    home,
    ports: { ...sharedSettings.ports, kafka: await freePort(), kafkaController: await freePort() },
  };
  const paths = new DisposablePaths(new InfraPaths(sharedSettings), new InfraPaths(settings));
  const certificates = options.secureUsers ? ensureLocalCertificates(join(home, 'tls')) : null;
  const kafka = new KafkaComponent(
    { settings, paths, log: () => undefined },
    certificates && options.secureUsers
      ? { ...certificates, users: options.secureUsers }
      : undefined,
  );
  await kafka.provision();
  await kafka.start();
  return {
    brokers: [kafka.endpoint()],
    caFile: certificates?.caFile,
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
