import { join } from 'node:path';
import type { InfraSettings } from './infra-settings';

/** The layout of the local platform's folder (`.readmit/` by default). */
export class InfraPaths {
  constructor(private readonly settings: InfraSettings) {}

  get home(): string {
    return this.settings.home;
  }
  tools(name: string): string {
    return join(this.settings.home, 'tools', name);
  }
  data(name: string): string {
    return join(this.settings.home, 'data', name);
  }
  build(name: string): string {
    return join(this.settings.home, 'build', name);
  }
  log(name: string): string {
    return join(this.settings.home, 'logs', `${name}.log`);
  }
  pid(name: string): string {
    return join(this.settings.home, 'run', `${name}.pid`);
  }
  run(name: string): string {
    return join(this.settings.home, 'run', name);
  }
  /** How many Kafka nodes the last `infra up` started, for the commands that follow it. */
  get kafkaNodesFile(): string {
    return join(this.settings.home, 'kafka-nodes');
  }
  get endpointsFile(): string {
    return join(this.settings.home, 'infra.json');
  }
  projectFile(...parts: string[]): string {
    return join(this.settings.projectRoot, ...parts);
  }
}
