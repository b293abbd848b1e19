import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { makeDirectories, makeOwnDirectory } from '../directories';
import { InfraError } from '../infra-error';
import { ensurePostgresInstalled, findPostgresBin } from '../prerequisites';
import { commandLineOf, isAlive, runCommand } from '../process-control';
import { isPortOpen, waitFor } from '../wait-for';
import { ServerComponent } from './server-component';

/** The databases `infra up` creates: the platform's own and the one integration tests may use. */
export const DATABASES = ['readmit', 'readmit_test'] as const;
export const DATABASE_USER = 'readmit';

/** Where clusters live whose project folder the `postgres` server user cannot enter. */
export const FALLBACK_FOLDER = '/var/lib/readmit';

/** `/var/lib/readmit/<id>/postgres`, the id derived from the project's `.readmit` folder. */
export function fallbackServerRoot(home: string): string {
  const id = createHash('sha256').update(home).digest('hex').slice(0, 12);
  return join(FALLBACK_FOLDER, id, 'postgres');
}

/**
 * A PostgreSQL cluster of our own under `.readmit/data/postgres`, from Debian's server binaries.
 * It listens on 127.0.0.1 only and trusts local connections: a development database with no
 * secret to keep. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
export class PostgresComponent extends ServerComponent {
  readonly name = 'postgres';
  readonly description = 'PostgreSQL (Debian package)';

  endpoint(): string {
    return `postgres://${DATABASE_USER}@localhost:${this.ctx.settings.ports.postgres}/readmit`;
  }

  /** The server writes its log inside its data folder, which only the server user may write. */
  override logFile(): string {
    return join(this.dataDir, 'server.log');
  }

  private get dataDir(): string {
    return join(this.serverRoot(), 'data');
  }

  /**
   * The folder holding the cluster: `.readmit/data/postgres`, unless we run as root in a tree the
   * `postgres` user cannot enter (a clone under /root or in a private temporary folder, say).
   * Then the cluster lives in a folder of its own under /var/lib/readmit, named after the
   * project folder, and the operator is told.
   */
  private serverRoot(): string {
    const local = this.ctx.paths.data('postgres');
    if (!this.isRoot()) return local;
    if (this.cachedServerRoot) return this.cachedServerRoot;
    // Created traversable whatever the umask, so only the project folder itself can lock us out.
    makeDirectories(dirname(local), 0o755);
    const probe = spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dirname(local)], {
      cwd: '/',
    });
    if (probe.status === 0) {
      this.cachedServerRoot = local;
    } else {
      this.cachedServerRoot = fallbackServerRoot(this.ctx.paths.home);
      this.ctx.log(
        `postgres: the postgres user cannot enter ${this.ctx.paths.home}; keeping the cluster in ${this.cachedServerRoot}`,
      );
    }
    return this.cachedServerRoot;
  }

  private cachedServerRoot: string | undefined;

  async provision(): Promise<void> {
    ensurePostgresInstalled(this.ctx.log);
  }

  async start(): Promise<void> {
    const bin = this.bin();
    const root = this.serverRoot();
    if (root !== this.ctx.paths.data('postgres')) {
      // Ours alone, so set even when they exist: an earlier version created them 0700.
      makeOwnDirectory(FALLBACK_FOLDER, 0o755);
      makeOwnDirectory(dirname(root), 0o755);
    }
    // The server user must reach its data folder; PostgreSQL insists the folder itself be private.
    makeOwnDirectory(root, 0o755);
    makeOwnDirectory(this.dataDir, 0o700);
    this.giveToServerUser(root, this.dataDir);
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) {
      this.ctx.log(`postgres: initialising a cluster in ${this.dataDir}`);
      this.asServerUser(join(bin, 'initdb'), [
        '-D',
        this.dataDir,
        '-U',
        DATABASE_USER,
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
      ]);
    }
    // pg_ctl quotes -D and -l itself but hands -o to a shell unquoted, so no path goes there:
    // no Unix socket at all (everything connects over TCP), which also spares us the socket
    // path's 107-byte limit in a deep project folder.
    this.asServerUser(join(bin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-l',
      this.logFile(),
      '-w',
      '-t',
      String(Math.round(this.ctx.settings.startTimeoutMs / 1000)),
      '-o',
      `-p ${this.ctx.settings.ports.postgres} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c fsync=off`,
      'start',
    ]);
    await waitFor('postgres', () => this.answers(), {
      timeoutMs: this.ctx.settings.startTimeoutMs,
    });
    await this.createDatabases();
  }

  /** pg_ctl manages the server's own pid file; stopping goes through it too. */
  override async stop(): Promise<boolean> {
    if (this.runningPid() === undefined) return false;
    this.asServerUser(join(this.bin(), 'pg_ctl'), ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
    return true;
  }

  private bin(): string {
    const bin = findPostgresBin();
    if (!bin)
      throw new InfraError(
        'PostgreSQL server binaries were not found: run `readmit infra up` as root or `sudo apt-get install postgresql`',
      );
    return bin;
  }

  protected port(): number {
    return this.ctx.settings.ports.postgres;
  }

  protected ownershipMarker(): string {
    return this.dataDir;
  }

  /**
   * The postmaster's pid from `postmaster.pid` in our data folder, if that process is alive and
   * its command line names the folder (`postgres -D <folder>`), so a stale file whose pid was
   * recycled does not count.
   */
  protected override runningPid(): number | undefined {
    try {
      const pid = Number.parseInt(
        readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
        10,
      );
      return Number.isInteger(pid) &&
        isAlive(pid) &&
        commandLineOf(pid).includes(this.ownershipMarker())
        ? pid
        : undefined;
    } catch {
      return undefined;
    }
  }

  private isRoot(): boolean {
    return process.getuid?.() === 0;
  }

  private giveToServerUser(...dirs: string[]): void {
    if (!this.isRoot()) return;
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) {
      throw new InfraError(
        "running as root, but there is no `postgres` user to run the server as: install Debian's postgresql package",
      );
    }
    for (const dir of dirs) chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
  }

  private asServerUser(command: string, args: string[]): void {
    const description = `${command.split('/').pop()} ${args[args.length - 1]}`;
    if (this.isRoot()) {
      runCommand('runuser', ['-u', 'postgres', '--', command, ...args], { description, cwd: '/' });
    } else {
      runCommand(command, args, { description });
    }
  }

  private async connect(database: string): Promise<Client> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.ctx.settings.ports.postgres,
      user: DATABASE_USER,
      database,
      connectionTimeoutMillis: 1_000,
    });
    await client.connect();
    return client;
  }

  protected async answers(): Promise<boolean> {
    if (!(await isPortOpen(this.ctx.settings.ports.postgres))) return false;
    try {
      const client = await this.connect('postgres');
      try {
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end();
      }
    } catch {
      return false;
    }
  }

  private async createDatabases(): Promise<void> {
    const client = await this.connect('postgres');
    try {
      for (const name of DATABASES) {
        const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
      }
    } finally {
      await client.end();
    }
  }
}
