import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics } from '@readmit/contracts';
import { PROJECT_ROOT } from '../../../../test/support/endpoints';
import { isAlive } from './process-control';

/**
 * `readmit infra` as a user runs it, on ports and a data folder of its own so it never touches
 * the platform the other integration tests use. Tools (jars, venv) are shared to skip re-provisioning.
 */
describe('readmit infra up / status / down', () => {
  const home = mkdtempSync(join(tmpdir(), 'readmit-infra-'));
  const ports = { kafka: 19192, controller: 19193, registry: 18181, postgres: 15532, s3: 19100 };
  const env = {
    ...process.env,
    READMIT_HOME: home,
    READMIT_KAFKA_PORT: String(ports.kafka),
    READMIT_KAFKA_CONTROLLER_PORT: String(ports.controller),
    READMIT_SCHEMA_REGISTRY_PORT: String(ports.registry),
    READMIT_POSTGRES_PORT: String(ports.postgres),
    READMIT_S3_PORT: String(ports.s3),
  };
  const cliWith = (extraEnv: Record<string, string>, ...args: string[]) =>
    spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'readmit.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
      timeout: 300_000,
    });
  const cli = (...args: string[]) => cliWith({}, ...args);

  beforeAll(() => {
    // Like a project folder, not mkdtemp's 0700: the postgres server user must be able to enter it.
    chmodSync(home, 0o755);
    symlinkSync(join(PROJECT_ROOT, '.readmit', 'tools'), join(home, 'tools'));
  });

  // A failed test must not leave its servers (and ports) to the next one.
  afterEach(() => {
    cli('infra', 'down');
  });

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  const pidOf = (name: string) =>
    Number(readFileSync(join(home, 'run', `${name}.pid`), 'utf8').trim());
  const postmasterPid = () =>
    Number(
      readFileSync(join(home, 'data', 'postgres', 'data', 'postmaster.pid'), 'utf8').split('\n')[0],
    );

  it('starts every server, is harmless when repeated, and stops all it started', () => {
    const first = cli('infra', 'up');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    for (const line of [
      `kafka: ready at localhost:${ports.kafka}`,
      `schema-registry: ready at http://localhost:${ports.registry}/apis/ccompat/v7`,
      `postgres: ready at postgres://readmit@localhost:${ports.postgres}/readmit`,
      `s3: ready at http://localhost:${ports.s3}`,
    ]) {
      expect(first.stdout).toContain(line);
    }
    expect(first.stdout).toContain(`topics: ${allTopics().length} created, 0 already present`);
    const pids = [pidOf('kafka'), pidOf('schema-registry'), pidOf('s3'), postmasterPid()];
    expect(pids.every(isAlive)).toBe(true);

    const second = cli('infra', 'up');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/kafka: already running/);
    expect(second.stdout).toMatch(/schema-registry: already running/);
    expect(second.stdout).toMatch(/postgres: already running/);
    expect(second.stdout).toMatch(/s3: already running/);
    expect(second.stdout).not.toMatch(/starting/);
    expect(second.stdout).toContain(`topics: 0 created, ${allTopics().length} already present`);
    expect([pidOf('kafka'), pidOf('schema-registry'), pidOf('s3'), postmasterPid()]).toEqual(pids);

    const status = cli('infra', 'status', '--json');
    expect(status.status).toBe(0);
    const states = JSON.parse(status.stdout) as Array<{
      name: string;
      state: { kind: string; healthy: boolean };
    }>;
    expect(states.map((entry) => [entry.name, entry.state.kind, entry.state.healthy])).toEqual([
      ['kafka', 'running', true],
      ['schema-registry', 'running', true],
      ['postgres', 'running', true],
      ['s3', 'running', true],
    ]);

    // Enough lines to reach back past the controller's record of every catalog topic it created.
    const logs = cli('infra', 'logs', 'kafka', '-n', '20000');
    expect(logs.status).toBe(0);
    expect(logs.stdout).toMatch(/Kafka Server started/);

    const down = cli('infra', 'down');
    expect(down.status).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    const after = cli('infra', 'status');
    expect(after.status).toBe(3);
    expect(after.stdout.match(/stopped/g)).toHaveLength(4);
  });

  it('refuses to start on a port held by a process it did not start, naming the port', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.s3, '127.0.0.1', resolve));
    try {
      const result = cli('infra', 'up', '--only', 's3');
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        `readmit: s3: port ${ports.s3} is already in use by a process readmit did not start; stop it or choose another port (see README: Configuration)`,
      );
      // infra down must leave the foreign process alone.
      expect(cli('infra', 'down').status).toBe(0);
      expect(squatter.listening).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('names a missing prerequisite (Java) in one line instead of failing obscurely', () => {
    const result = cliWith({ JAVA_HOME: '/nonexistent-jdk' }, 'infra', 'up', '--only', 'kafka');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^readmit: Java 17 or newer is required for Kafka and the schema registry, but no `java` was found: install a JDK .* or set JAVA_HOME$/,
    );
  });

  it('rejects an unknown component with the list of known ones', () => {
    const result = cli('infra', 'up', '--only', 'zookeeper');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      "readmit: unknown component 'zookeeper': choose from kafka, schema-registry, postgres, s3, prometheus",
    );
  });
});
