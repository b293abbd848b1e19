import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  rmdirSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../../../test/support/endpoints';
import { KafkaComponent } from './components/kafka.component';
import {
  DATABASE_USER,
  FALLBACK_FOLDER,
  fallbackServerRoot,
} from './components/postgres.component';
import type { InfraContext } from './infra-component';
import { InfraManager } from './infra-manager';
import { InfraPaths } from './infra-paths';
import { loadInfraSettings } from './infra-settings';
import { isAlive } from './process-control';

/**
 * The local platform from a clone wherever a newcomer puts it: a private folder (mkdtemp's 0700,
 * or /root) and a path with a space. Each case gets a `.readmit` folder and ports of its own, so
 * the platform the other integration tests use is never touched.
 */

const isRoot = process.getuid?.() === 0;

/** A port nothing listens on now: the kernel's pick for a throwaway listener. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** A clone-like folder named `my clone` inside a fresh temporary folder of the given mode. */
function cloneFolder(mode: number): { base: string; home: string } {
  const base = mkdtempSync(join(tmpdir(), 'readmit-first-run-'));
  chmodSync(base, mode);
  const clone = join(base, 'my clone');
  mkdirSync(clone);
  return { base, home: join(clone, '.readmit') };
}

function contextFor(home: string, postgresPort: number, lines: string[]): InfraContext {
  const defaults = loadInfraSettings(PROJECT_ROOT, {});
  const settings = { ...defaults, home, ports: { ...defaults.ports, postgres: postgresPort } };
  return { settings, paths: new InfraPaths(settings), log: (line) => lines.push(line) };
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

async function query(port: number, sql: string): Promise<Record<string, unknown>> {
  const client = new Client({ host: '127.0.0.1', port, user: DATABASE_USER, database: 'readmit' });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return result.rows[0];
  } finally {
    await client.end();
  }
}

describe('Postgres from a clone in a private folder whose path has a space', () => {
  const lines: string[] = [];
  let base: string;
  let home: string;
  let port: number;
  let manager: InfraManager;
  let fallbackFolderExisted: boolean;

  beforeAll(async () => {
    ({ base, home } = cloneFolder(0o700));
    fallbackFolderExisted = existsSync(FALLBACK_FOLDER);
    port = await freePort();
    manager = new InfraManager(contextFor(home, port, lines));
  });

  afterAll(async () => {
    // Only ever this test's cluster: the manager's home is the temporary folder.
    await manager.down(['postgres']);
    rmSync(base, { recursive: true, force: true });
    rmSync(dirname(fallbackServerRoot(home)), { recursive: true, force: true });
    if (!fallbackFolderExisted) {
      try {
        rmdirSync(FALLBACK_FOLDER);
      } catch {
        // Another clone's cluster moved in meanwhile: the folder is theirs now too.
      }
    }
  });

  it('starts, answers a query, reports itself running and stops', async () => {
    const expectedRoot = isRoot ? fallbackServerRoot(home) : join(home, 'data', 'postgres');
    if (isRoot) {
      // As an earlier version left it after a failed start: private, so the server user was locked out.
      mkdirSync(dirname(expectedRoot), { recursive: true, mode: 0o700 });
    }

    const { started } = await manager.up(['postgres']);

    expect(started).toEqual(['postgres']);
    const row = await query(port, "SELECT current_setting('data_directory') AS data, 1 AS one");
    expect(row).toEqual({ data: join(expectedRoot, 'data'), one: 1 });
    if (isRoot) {
      expect(lines).toContain(
        `postgres: the postgres user cannot enter ${home}; keeping the cluster in ${expectedRoot}`,
      );
      // Every folder on the way is traversable; only the data folder is private, as Postgres requires.
      expect(modeOf(FALLBACK_FOLDER)).toBe(0o755);
      expect(modeOf(dirname(expectedRoot))).toBe(0o755);
      expect(modeOf(expectedRoot)).toBe(0o755);
      expect(modeOf(join(expectedRoot, 'data'))).toBe(0o700);
    }

    const status = await manager.component('postgres').state();
    expect(status).toMatchObject({ kind: 'running', healthy: true });
    const pid = status.kind === 'running' ? status.pid : 0;
    expect(isAlive(pid)).toBe(true);

    expect(await manager.down(['postgres'])).toEqual(['postgres']);
    expect(isAlive(pid)).toBe(false);
    expect(await manager.component('postgres').state()).toEqual({ kind: 'stopped' });
  });
});

describe('Postgres from a clone in an open folder whose path has a space', () => {
  const lines: string[] = [];
  let base: string;
  let home: string;
  let port: number;
  let manager: InfraManager;

  beforeAll(async () => {
    ({ base, home } = cloneFolder(0o755));
    port = await freePort();
    manager = new InfraManager(contextFor(home, port, lines));
  });

  afterAll(async () => {
    await manager.down(['postgres']);
    rmSync(base, { recursive: true, force: true });
  });

  it('keeps the cluster in the project folder, space and all', async () => {
    const { started } = await manager.up(['postgres']);

    expect(started).toEqual(['postgres']);
    const dataDir = join(home, 'data', 'postgres', 'data');
    expect(dataDir).toContain('my clone');
    expect(await query(port, "SELECT current_setting('data_directory') AS data")).toEqual({
      data: dataDir,
    });
    expect(lines.filter((line) => line.includes('cannot enter'))).toEqual([]);
    // `infra up` again finds it running: the ownership check reads the spaced path in its command line.
    expect((await manager.up(['postgres'])).alreadyRunning).toEqual(['postgres']);

    expect(await manager.down(['postgres'])).toEqual(['postgres']);
    expect(await manager.component('postgres').state()).toEqual({ kind: 'stopped' });
  });
});

describe('Kafka configuration in a folder whose path has a space', () => {
  let base: string;
  let home: string;

  beforeAll(() => {
    ({ base, home } = cloneFolder(0o700));
    // The jars the running platform already fetched, instead of a second download.
    mkdirSync(home);
    symlinkSync(join(PROJECT_ROOT, '.readmit', 'tools'), join(home, 'tools'));
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it("is read by Kafka's own tools: the log folder from server.properties, log4j from its URL", async () => {
    const kafka = new KafkaComponent(contextFor(home, 5432, []));
    await kafka.provision();

    const { java, args } = kafka.prepare();

    const logDir = join(home, 'data', 'kafka');
    expect(existsSync(join(logDir, 'meta.properties'))).toBe(true);
    const classpath = args[args.indexOf('-cp') + 1];
    const logging = args.filter((arg) => arg.startsWith('-Dlog4j.configuration='));
    const serverProperties = args[args.length - 1];
    expect(logging).toHaveLength(1);
    expect(classpath).toContain('my clone');
    const info = spawnSync(
      java,
      [...logging, '-cp', classpath, 'kafka.tools.StorageTool', 'info', '-c', serverProperties],
      { encoding: 'utf8' },
    );
    expect(info.status).toBe(0);
    expect(info.stdout).toContain(`Found log directory:\n  ${logDir}\n`);
    // log4j warns that it has no configuration when it cannot read the file the URL names.
    expect(`${info.stdout}${info.stderr}`).not.toContain('log4j:WARN');
  });
});
