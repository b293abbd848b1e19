import { statSync } from 'node:fs';
import type { ComponentState, InfraComponent, InfraContext } from '../infra-component';
import {
  isAlive,
  killProcess,
  ownedPid,
  readPid,
  removeFile,
  startDetached,
  stopProcess,
} from '../process-control';
import { isPortOpen, waitFor } from '../wait-for';

/**
 * What the local servers have in common: a port, a pid file, a log file, a readiness probe, and
 * the rule that we only ever stop a process whose command line proves it is ours.
 */
export abstract class ServerComponent implements InfraComponent {
  abstract readonly name: string;
  abstract readonly description: string;
  /** How long a stop may take before SIGKILL. */
  protected readonly stopGraceMs: number = 10_000;

  constructor(protected readonly ctx: InfraContext) {}

  abstract endpoint(): string;
  abstract provision(): Promise<void>;
  abstract start(): Promise<void>;
  /** The port clients use; a foreign process on it means we must not start. */
  protected abstract port(): number;
  /** A path of ours that appears in the server's command line. */
  protected abstract ownershipMarker(): string;
  /** True when the server answers its protocol, not just the port. */
  protected abstract answers(): Promise<boolean>;

  logFile(): string {
    return this.ctx.paths.log(this.name);
  }

  protected get pidFile(): string {
    return this.ctx.paths.pid(this.name);
  }

  /** The pid of our running server, if there is one. */
  protected runningPid(): number | undefined {
    return ownedPid(this.pidFile, this.ownershipMarker());
  }

  async state(): Promise<ComponentState> {
    const pid = this.runningPid();
    if (pid !== undefined) return { kind: 'running', pid, healthy: await this.answers() };
    if (await isPortOpen(this.port())) return { kind: 'port-taken', port: this.port() };
    return { kind: 'stopped' };
  }

  async stop(): Promise<boolean> {
    const pid = this.runningPid();
    removeFile(this.pidFile);
    if (pid === undefined) return false;
    await stopProcess(pid, this.stopGraceMs);
    return true;
  }

  /** SIGKILL, as a crash or a power cut does: no shutdown of any kind. False if it was not running. */
  async kill(): Promise<boolean> {
    const pid = this.runningPid();
    removeFile(this.pidFile);
    if (pid === undefined) return false;
    await killProcess(pid);
    return true;
  }

  /** Starts the server detached and resolves once it answers; fails fast if it exits instead. */
  protected async launch(
    command: string,
    args: readonly string[],
    env?: NodeJS.ProcessEnv,
  ): Promise<void> {
    this.spawn(command, args, env);
    await this.untilAnswering();
  }

  /** Starts the server detached, without waiting: members of a quorum answer only together. */
  protected spawn(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): void {
    startDetached({ command, args, env, logFile: this.logFile(), pidFile: this.pidFile });
  }

  /** Resolves once the spawned server answers; fails fast if it exits instead. */
  protected async untilAnswering(): Promise<void> {
    await waitFor(this.name, () => this.answers(), {
      timeoutMs: this.ctx.settings.startTimeoutMs,
      intervalMs: 250,
      isFatal: () => {
        const pid = readPid(this.pidFile);
        return pid !== undefined && !isAlive(pid)
          ? `the process exited during start-up; see ${this.logFile()}`
          : undefined;
      },
      // A server writing its log is still starting (Kafka loading a large log directory).
      progressMark: () => fileSize(this.logFile()),
      onStillStarting: (waitedMs) =>
        this.ctx.log(
          `${this.name}: still starting after ${Math.round(waitedMs / 1000)} s (its log is growing)`,
        ),
    });
  }
}

/** A file's size in bytes, or undefined while it does not exist. */
function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
