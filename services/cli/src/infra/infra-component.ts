import type { InfraPaths } from './infra-paths';
import type { InfraSettings } from './infra-settings';

export interface InfraContext {
  readonly settings: InfraSettings;
  readonly paths: InfraPaths;
  /** Progress lines for the operator. */
  readonly log: (line: string) => void;
}

export type ComponentState =
  | { readonly kind: 'running'; readonly pid: number; readonly healthy: boolean }
  | { readonly kind: 'stopped' }
  /** Something that is not ours answers on the component's port. */
  | { readonly kind: 'port-taken'; readonly port: number };

/** One local server that `readmit infra` provisions, starts, checks and stops. */
export interface InfraComponent {
  readonly name: string;
  readonly description: string;
  /** Where clients reach it, e.g. `localhost:9092`. */
  endpoint(): string;
  logFile(): string;
  /** Installs what the server needs (jars, a venv, a package); a no-op once done. */
  provision(): Promise<void>;
  state(): Promise<ComponentState>;
  /** Starts the server and resolves once it answers. Only called when state() is `stopped`. */
  start(): Promise<void>;
  /** Stops the server if, and only if, we started it. */
  stop(): Promise<boolean>;
}
