import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ComponentState, InfraComponent, InfraContext } from './infra-component';
import { InfraError } from './infra-error';
import { KafkaClusterComponent } from './components/kafka-cluster.component';
import { KafkaComponent } from './components/kafka.component';
import { DATABASE_USER, PostgresComponent } from './components/postgres.component';
import { PrometheusComponent } from './components/prometheus.component';
import { S3Component } from './components/s3.component';
import { SchemaRegistryComponent } from './components/schema-registry.component';
import type { InfraProfile } from './infra-settings';

export const COMPONENT_NAMES = [
  'kafka',
  'schema-registry',
  'postgres',
  's3',
  'prometheus',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** What `infra up` starts without a profile: the servers the services and tests need. */
export const CORE_COMPONENTS: readonly ComponentName[] = [
  'kafka',
  'schema-registry',
  'postgres',
  's3',
];

/** The optional components each profile adds (`infra up --monitoring`, READMIT_INFRA_PROFILES). */
export const PROFILE_COMPONENTS: Readonly<Record<InfraProfile, readonly ComponentName[]>> = {
  monitoring: ['prometheus'],
};

/** The core components and those of the given profiles, in start order. */
export function componentsFor(profiles: readonly InfraProfile[]): ComponentName[] {
  const wanted = new Set([...CORE_COMPONENTS, ...profiles.flatMap((p) => PROFILE_COMPONENTS[p])]);
  return COMPONENT_NAMES.filter((name) => wanted.has(name));
}

export interface ComponentStatus {
  readonly name: ComponentName;
  readonly description: string;
  readonly endpoint: string;
  readonly state: ComponentState;
}

/** What `infra up` did to each component, so a caller (e.g. `readmit test`) can undo only its own starts. */
export interface UpResult {
  readonly started: ComponentName[];
  readonly alreadyRunning: ComponentName[];
}

/** Provisions, starts, checks and stops the local platform, in dependency order. */
export class InfraManager {
  private readonly components: ReadonlyMap<ComponentName, InfraComponent>;

  /** `replacements` stand in for the real servers (tests use fakes); the rest are the real ones. */
  constructor(
    private readonly ctx: InfraContext,
    replacements: Partial<Record<ComponentName, InfraComponent>> = {},
  ) {
    const kafkaNodes = kafkaNodesOf(ctx);
    this.components = new Map<ComponentName, InfraComponent>([
      [
        'kafka',
        replacements.kafka ??
          (kafkaNodes > 1
            ? new KafkaClusterComponent(ctx, { nodes: kafkaNodes })
            : new KafkaComponent(ctx)),
      ],
      ['schema-registry', replacements['schema-registry'] ?? new SchemaRegistryComponent(ctx)],
      ['postgres', replacements.postgres ?? new PostgresComponent(ctx)],
      ['s3', replacements.s3 ?? new S3Component(ctx)],
      ['prometheus', replacements.prometheus ?? new PrometheusComponent(ctx)],
    ]);
  }

  component(name: ComponentName): InfraComponent {
    const component = this.components.get(name);
    if (!component)
      throw new InfraError(
        `unknown component '${name}': choose from ${COMPONENT_NAMES.join(', ')}`,
      );
    return component;
  }

  /** The components `up` and `status` cover by default: the core ones and the profiles' (settings). */
  defaultComponents(): ComponentName[] {
    return componentsFor(this.ctx.settings.profiles);
  }

  /**
   * Starts, in order, each of `names` that is not running. All or nothing: when one cannot start,
   * the servers this call started (and whatever the failed one left running) are stopped before
   * the error is thrown, so a failed start leaves no process holding a port. Servers that were
   * already running are left alone.
   */
  async up(names: readonly ComponentName[] = this.defaultComponents()): Promise<UpResult> {
    if (names.includes('kafka')) await this.refuseOtherKafkaLayout();
    const result: UpResult = { started: [], alreadyRunning: [] };
    try {
      for (const name of names) {
        const outcome = await this.upOne(name);
        if (outcome === 'started') result.started.push(name);
        else result.alreadyRunning.push(name);
      }
    } catch (error) {
      throw await this.rollBack(result.started, error);
    }
    if (names.includes('kafka')) this.rememberKafkaNodes();
    this.writeEndpoints();
    return result;
  }

  private async upOne(name: ComponentName): Promise<'started' | 'already-running'> {
    const component = this.component(name);
    const before = await component.state();
    if (before.kind === 'running' && before.healthy) {
      this.ctx.log(`${name}: already running (pid ${before.pid}) at ${component.endpoint()}`);
      return 'already-running';
    }
    if (before.kind === 'running') {
      throw new InfraError(
        `${name}: our process (pid ${before.pid}) is running but does not answer; see ${component.logFile()} or run \`readmit infra down\``,
      );
    }
    if (before.kind === 'port-taken') {
      throw new InfraError(
        `${name}: port ${before.port} is already in use by a process readmit did not start; stop it or choose another port (see README: Configuration)`,
      );
    }
    await component.provision();
    const startedAt = Date.now();
    this.ctx.log(`${name}: starting ${component.description}…`);
    try {
      await component.start();
    } catch (error) {
      // A start that timed out may have left its process running; it must not keep the port.
      const leftRunning = await component.stop().then(
        () => '',
        (stopError: unknown) =>
          `; stopping it failed too (${messageOf(stopError)}): run \`readmit infra down\``,
      );
      throw new InfraError(
        `${name}: failed to start: ${messageOf(error)} (log: ${component.logFile()})${leftRunning}`,
      );
    }
    this.ctx.log(
      `${name}: ready at ${component.endpoint()} (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
    );
    return 'started';
  }

  /**
   * Stops what this call of `up` started, newest first, and returns the error to throw: the
   * original message, then a line saying what was stopped (or could not be).
   */
  private async rollBack(started: readonly ComponentName[], cause: unknown): Promise<Error> {
    if (started.length === 0) return cause instanceof Error ? cause : new Error(String(cause));
    const stopped: ComponentName[] = [];
    const notStopped: string[] = [];
    for (const name of [...started].reverse()) {
      try {
        await this.component(name).stop();
        this.ctx.log(`${name}: stopped (the start failed)`);
        stopped.push(name);
      } catch (error) {
        notStopped.push(`${name} (${messageOf(error)})`);
      }
    }
    const undone = [
      stopped.length > 0 ? `Stopped what this start had started: ${stopped.join(', ')}.` : '',
      notStopped.length > 0
        ? `Could not stop ${notStopped.join(', ')}: run \`readmit infra down\`.`
        : '',
    ]
      .filter(Boolean)
      .join(' ');
    const message = `${messageOf(cause)}\n${undone}`;
    return cause instanceof InfraError ? new InfraError(message) : new Error(message, { cause });
  }

  /** Stops, in reverse order, the components that we started; anything else is left alone. */
  async down(names: readonly ComponentName[] = COMPONENT_NAMES): Promise<ComponentName[]> {
    const stopped: ComponentName[] = [];
    for (const name of [...names].reverse()) {
      if (await this.component(name).stop()) {
        this.ctx.log(`${name}: stopped`);
        stopped.push(name);
      } else {
        this.ctx.log(`${name}: not running`);
      }
    }
    return stopped;
  }

  /** The default components, and any optional one that is running although no profile asks for it. */
  async status(): Promise<ComponentStatus[]> {
    const defaults = this.defaultComponents();
    const statuses = await Promise.all(
      COMPONENT_NAMES.map(async (name) => {
        const component = this.component(name);
        return {
          name,
          description: component.description,
          endpoint: component.endpoint(),
          state: await component.state(),
        };
      }),
    );
    return statuses.filter(
      (status) => defaults.includes(status.name) || status.state.kind === 'running',
    );
  }

  /**
   * Endpoints for tools and tests, in `.readmit/infra.json`, matching the variables services read.
   */
  endpoints(): Record<string, string> {
    const { ports } = this.ctx.settings;
    return {
      READMIT_KAFKA_BROKERS: this.component('kafka').endpoint(),
      READMIT_SCHEMA_REGISTRY_URL: this.component('schema-registry').endpoint(),
      READMIT_DATABASE_URL: this.component('postgres').endpoint(),
      READMIT_TEST_DATABASE_URL: `postgres://${DATABASE_USER}@localhost:${ports.postgres}/readmit_test`,
      READMIT_S3_ENDPOINT: this.component('s3').endpoint(),
    };
  }

  /**
   * A single node and a cluster share the first node's ports: asked for one while the other
   * runs, say so rather than call the port taken by a foreign process.
   */
  private async refuseOtherKafkaLayout(): Promise<void> {
    const wanted = kafkaNodesOf(this.ctx);
    const last = rememberedKafkaNodes(this.ctx);
    if (last === undefined || last === wanted) return;
    const running =
      last > 1
        ? new KafkaClusterComponent(this.ctx, { nodes: last })
        : new KafkaComponent(this.ctx);
    if ((await running.state()).kind !== 'running') return;
    throw new InfraError(
      `kafka: the local platform runs ${last} Kafka node${last > 1 ? 's' : ''}, not the ${wanted} asked for; stop ${last > 1 ? 'them' : 'it'} first with \`READMIT_KAFKA_NODES=${last} readmit infra down --only kafka\` (each layout keeps its own data)`,
    );
  }

  /** So that `down` and `status` without READMIT_KAFKA_NODES mean the cluster that runs. */
  private rememberKafkaNodes(): void {
    const file = this.ctx.paths.kafkaNodesFile;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${kafkaNodesOf(this.ctx)}\n`);
  }

  private writeEndpoints(): void {
    mkdirSync(dirname(this.ctx.paths.endpointsFile), { recursive: true });
    writeFileSync(this.ctx.paths.endpointsFile, `${JSON.stringify(this.endpoints(), null, 2)}\n`);
  }
}

/** The Kafka nodes asked for (READMIT_KAFKA_NODES), else those the last `up` started, else 1. */
export function kafkaNodesOf(ctx: InfraContext): number {
  return ctx.settings.kafkaNodes ?? rememberedKafkaNodes(ctx) ?? 1;
}

/** The Kafka nodes the last `up` started, if it recorded them. */
function rememberedKafkaNodes(ctx: InfraContext): number | undefined {
  const file = ctx.paths.kafkaNodesFile;
  if (!existsSync(file)) return undefined;
  const remembered = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(remembered) && remembered >= 1 ? remembered : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
