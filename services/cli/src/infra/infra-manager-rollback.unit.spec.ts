import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../../test/support/endpoints';
import type { ComponentState, InfraComponent, InfraContext } from './infra-component';
import { InfraError } from './infra-error';
import { InfraManager, type ComponentName } from './infra-manager';
import { InfraPaths } from './infra-paths';
import { loadInfraSettings } from './infra-settings';

/** What a fake server is like before `up`, and how its start and stop behave. */
interface FakeBehaviour {
  readonly initially?: ComponentState;
  readonly startFails?: string;
  readonly stopFails?: string;
}

/** A server in memory: it records, in one shared list, every start and stop asked of it. */
class FakeComponent implements InfraComponent {
  readonly description: string;
  private current: ComponentState;

  constructor(
    readonly name: ComponentName,
    private readonly calls: string[],
    private readonly behaviour: FakeBehaviour = {},
  ) {
    this.description = `fake ${name}`;
    this.current = behaviour.initially ?? { kind: 'stopped' };
  }

  endpoint(): string {
    return `fake://${this.name}`;
  }
  logFile(): string {
    return `/logs/${this.name}.log`;
  }
  async provision(): Promise<void> {}
  async state(): Promise<ComponentState> {
    return this.current;
  }
  async start(): Promise<void> {
    this.calls.push(`start ${this.name}`);
    // Like a server whose process was launched but never answered: it is left running.
    this.current = { kind: 'running', pid: 4242, healthy: false };
    if (this.behaviour.startFails) throw new Error(this.behaviour.startFails);
    this.current = { kind: 'running', pid: 4242, healthy: true };
  }
  async stop(): Promise<boolean> {
    this.calls.push(`stop ${this.name}`);
    if (this.behaviour.stopFails) throw new Error(this.behaviour.stopFails);
    const wasRunning = this.current.kind === 'running';
    this.current = { kind: 'stopped' };
    return wasRunning;
  }
  get isRunning(): boolean {
    return this.current.kind === 'running';
  }
}

describe('InfraManager.up when a component fails to start', () => {
  let home: string;
  let context: InfraContext;
  let calls: string[];
  let logged: string[];

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'readmit-rollback-'));
    const settings = { ...loadInfraSettings(PROJECT_ROOT, {}), home };
    logged = [];
    context = { settings, paths: new InfraPaths(settings), log: (line) => logged.push(line) };
    calls = [];
  });

  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  const fake = (name: ComponentName, behaviour?: FakeBehaviour) =>
    new FakeComponent(name, calls, behaviour);

  it('stops, newest first, what it started (and what the failed start left), then names the failure and its log', async () => {
    const kafka = fake('kafka');
    const registry = fake('schema-registry');
    const postgres = fake('postgres', { startFails: 'initdb: Permission denied' });
    const s3 = fake('s3');
    const manager = new InfraManager(context, {
      kafka,
      'schema-registry': registry,
      postgres,
      s3,
    });

    const failure = await manager.up(['kafka', 'schema-registry', 'postgres', 's3']).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(InfraError);
    expect((failure as Error).message).toBe(
      'postgres: failed to start: initdb: Permission denied (log: /logs/postgres.log)\n' +
        'Stopped what this start had started: schema-registry, kafka.',
    );
    expect(calls).toEqual([
      'start kafka',
      'start schema-registry',
      'start postgres',
      'stop postgres',
      'stop schema-registry',
      'stop kafka',
    ]);
    expect([kafka, registry, postgres, s3].filter((component) => component.isRunning)).toEqual([]);
    // No endpoints file for a platform that is not up.
    expect(existsSync(context.paths.endpointsFile)).toBe(false);
  });

  it('leaves alone the servers that were already running before it was called', async () => {
    const running: ComponentState = { kind: 'running', pid: 1234, healthy: true };
    const kafka = fake('kafka', { initially: running });
    const registry = fake('schema-registry');
    const postgres = fake('postgres', { startFails: 'no answer within 120 s' });
    const manager = new InfraManager(context, { kafka, 'schema-registry': registry, postgres });

    await expect(manager.up(['kafka', 'schema-registry', 'postgres'])).rejects.toThrow(
      /^postgres: failed to start: no answer within 120 s \(log: \/logs\/postgres\.log\)\nStopped what this start had started: schema-registry\.$/,
    );
    expect(calls).toEqual([
      'start schema-registry',
      'start postgres',
      'stop postgres',
      'stop schema-registry',
    ]);
    expect(kafka.isRunning).toBe(true);
  });

  it('also rolls back when a later port is taken by somebody else', async () => {
    const kafka = fake('kafka');
    const s3 = fake('s3', { initially: { kind: 'port-taken', port: 9000 } });
    const manager = new InfraManager(context, { kafka, s3 });

    await expect(manager.up(['kafka', 's3'])).rejects.toThrow(
      'readmit did not start; stop it or choose another port (see README: Configuration)\nStopped what this start had started: kafka.',
    );
    expect(calls).toEqual(['start kafka', 'stop kafka']);
  });

  it('keeps the original error when a server cannot be stopped, and says what to run', async () => {
    const kafka = fake('kafka', { stopFails: 'pg_ctl stop failed' });
    const registry = fake('schema-registry');
    const postgres = fake('postgres', { startFails: 'initdb failed' });
    const manager = new InfraManager(context, { kafka, 'schema-registry': registry, postgres });

    await expect(manager.up(['kafka', 'schema-registry', 'postgres'])).rejects.toThrow(
      'postgres: failed to start: initdb failed (log: /logs/postgres.log)\n' +
        'Stopped what this start had started: schema-registry. ' +
        'Could not stop kafka (pg_ctl stop failed): run `readmit infra down`.',
    );
    expect(registry.isRunning).toBe(false);
  });

  it('changes nothing about an error when it had started nothing', async () => {
    const postgres = fake('postgres', { startFails: 'initdb failed' });
    const manager = new InfraManager(context, { postgres });

    await expect(manager.up(['postgres'])).rejects.toThrow(
      /^postgres: failed to start: initdb failed \(log: \/logs\/postgres\.log\)$/,
    );
    expect(calls).toEqual(['start postgres', 'stop postgres']);
  });

  it('says so when the server that failed to start cannot be stopped either', async () => {
    const postgres = fake('postgres', { startFails: 'no answer', stopFails: 'pg_ctl stop failed' });
    const manager = new InfraManager(context, { postgres });

    await expect(manager.up(['postgres'])).rejects.toThrow(
      'postgres: failed to start: no answer (log: /logs/postgres.log); stopping it failed too (pg_ctl stop failed): run `readmit infra down`',
    );
  });

  it('starts everything and writes the endpoints when nothing fails', async () => {
    const manager = new InfraManager(context, { kafka: fake('kafka'), postgres: fake('postgres') });

    await expect(manager.up(['kafka', 'postgres'])).resolves.toEqual({
      started: ['kafka', 'postgres'],
      alreadyRunning: [],
    });
    expect(calls).toEqual(['start kafka', 'start postgres']);
    expect(existsSync(context.paths.endpointsFile)).toBe(true);
  });
});
