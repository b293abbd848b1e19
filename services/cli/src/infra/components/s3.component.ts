import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS } from '../infra-settings';
import { findPython } from '../prerequisites';
import { isHttpOk } from '../wait-for';
import { runCommand } from '../process-control';
import { ServerComponent } from './server-component';

/**
 * A real S3-protocol server for testing the S3 object store: moto's standalone server from PyPI,
 * in a virtualenv under `.readmit/tools`. It keeps objects in memory: it is a test server, the
 * filesystem store is the local default, and production uses AWS S3 or MinIO.
 */
export class S3Component extends ServerComponent {
  readonly name = 's3';
  readonly description = `S3-protocol server (moto ${VERSIONS.moto})`;

  endpoint(): string {
    return `http://localhost:${this.ctx.settings.ports.s3}`;
  }

  protected port(): number {
    return this.ctx.settings.ports.s3;
  }

  protected ownershipMarker(): string {
    return this.venv;
  }

  private get venv(): string {
    return this.ctx.paths.tools(`moto-${VERSIONS.moto}`);
  }

  /** Installed by pip with moto; its presence means the virtualenv is complete. */
  private get server(): string {
    return join(this.venv, 'bin', 'moto_server');
  }

  /**
   * pip and moto run as `<venv>/bin/python3 -m …`, not through their scripts, whose `#!` line
   * holds the venv's path (one with a space, or over 127 bytes, needs pip's shell workaround).
   * The venv's path stays in the command line, as the ownership check needs.
   */
  private get python(): string {
    return join(this.venv, 'bin', 'python3');
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
      this.python,
      [
        '-m',
        'pip',
        'install',
        '-q',
        '--disable-pip-version-check',
        `moto[server]==${VERSIONS.moto}`,
      ],
      {
        description: 'installing moto with pip',
      },
    );
  }

  async start(): Promise<void> {
    await this.launch(this.python, [
      '-m',
      'moto.server',
      '-H',
      '127.0.0.1',
      '-p',
      String(this.ctx.settings.ports.s3),
    ]);
  }

  protected answers(): Promise<boolean> {
    return isHttpOk(`${this.endpoint()}/`);
  }
}
