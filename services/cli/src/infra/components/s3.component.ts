import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentState, InfraComponent, InfraContext } from '../infra-component';
import { VERSIONS } from '../infra-settings';
import { findPython } from '../prerequisites';
import { isHttpOk, isPortOpen, waitFor } from '../wait-for';
import {
  isAlive,
  ownedPid,
  readPid,
  removeFile,
  runCommand,
  startDetached,
  stopProcess,
} from '../process-control';

/**
 * A real S3-protocol server for testing the S3 object store: moto's standalone server from PyPI,
 * in a virtualenv under `.readmit/tools`. It keeps objects in memory: it is a test server, the
 * filesystem store is the local default, and production uses AWS S3 or MinIO.
 */
export class S3Component implements InfraComponent {
  readonly name = 's3';
  readonly description = `S3-protocol server (moto ${VERSIONS.moto})`;

  constructor(private readonly ctx: InfraContext) {}

  endpoint(): string {
    return `http://localhost:${this.ctx.settings.ports.s3}`;
  }

  logFile(): string {
    return this.ctx.paths.log(this.name);
  }

  private get venv(): string {
    return this.ctx.paths.tools(`moto-${VERSIONS.moto}`);
  }

  private get server(): string {
    return join(this.venv, 'bin', 'moto_server');
  }

  async provision(): Promise<void> {
    if (existsSync(this.server)) return;
    const python = findPython();
    this.ctx.log(
      `s3: installing moto ${VERSIONS.moto} from PyPI into ${this.venv} (first run only)…`,
    );
    mkdirSync(this.venv, { recursive: true });
    runCommand(python, ['-m', 'venv', this.venv], { description: 'creating the moto virtualenv' });
    runCommand(
      join(this.venv, 'bin', 'pip'),
      ['install', '-q', '--disable-pip-version-check', `moto[server]==${VERSIONS.moto}`],
      {
        description: 'installing moto with pip',
      },
    );
  }

  async state(): Promise<ComponentState> {
    const pid = ownedPid(this.ctx.paths.pid(this.name), this.venv);
    if (pid !== undefined) return { kind: 'running', pid, healthy: await this.answers() };
    const port = this.ctx.settings.ports.s3;
    if (await isPortOpen(port)) return { kind: 'port-taken', port };
    return { kind: 'stopped' };
  }

  async start(): Promise<void> {
    const pidFile = this.ctx.paths.pid(this.name);
    startDetached({
      command: this.server,
      args: ['-H', '127.0.0.1', '-p', String(this.ctx.settings.ports.s3)],
      logFile: this.logFile(),
      pidFile,
    });
    await waitFor('s3', () => this.answers(), {
      timeoutMs: this.ctx.settings.startTimeoutMs,
      intervalMs: 200,
      isFatal: () => {
        const pid = readPid(pidFile);
        return pid !== undefined && !isAlive(pid)
          ? `the S3 server exited during start-up; see ${this.logFile()}`
          : undefined;
      },
    });
  }

  async stop(): Promise<boolean> {
    const pidFile = this.ctx.paths.pid(this.name);
    const pid = ownedPid(pidFile, this.venv);
    removeFile(pidFile);
    if (pid === undefined) return false;
    await stopProcess(pid, 5_000);
    return true;
  }

  private answers(): Promise<boolean> {
    return isHttpOk(`${this.endpoint()}/`);
  }
}
