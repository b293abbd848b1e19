import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { InfraContext } from '../infra/infra-component';
import { KafkaClusterComponent } from '../infra/components/kafka-cluster.component';
import { InfraError } from '../infra/infra-error';
import {
  COMPONENT_NAMES,
  componentsFor,
  InfraManager,
  type ComponentName,
  type ComponentStatus,
} from '../infra/infra-manager';
import { InfraPaths } from '../infra/infra-paths';
import { loadInfraSettings } from '../infra/infra-settings';
import { PROJECT_ROOT } from '../project-root';
import { createCatalogTopics } from './topics.command';

export function createInfraContext(overrides: { kafkaNodes?: number } = {}): InfraContext {
  const loaded = loadInfraSettings(PROJECT_ROOT);
  const settings = { ...loaded, kafkaNodes: overrides.kafkaNodes ?? loaded.kafkaNodes };
  return { settings, paths: new InfraPaths(settings), log: (line) => console.log(line) };
}

function parseKafkaNodes(value: string): number {
  const nodes = Number(value);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 5)
    throw new InvalidArgumentError('a whole number from 1 to 5 (3: RF 3, min ISR 2)');
  return nodes;
}

function parseComponents(value: string): ComponentName[] {
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(COMPONENT_NAMES as readonly string[]).includes(name)) {
      throw new InfraError(
        `unknown component '${name}': choose from ${COMPONENT_NAMES.join(', ')}`,
      );
    }
  }
  return names as ComponentName[];
}

const onlyOption = () =>
  new Option(
    '--only <components>',
    `comma-separated subset of: ${COMPONENT_NAMES.join(', ')}`,
  ).argParser(parseComponents);

export function describeState(status: ComponentStatus): string {
  switch (status.state.kind) {
    case 'running':
      return status.state.healthy
        ? `running (pid ${status.state.pid})`
        : `running (pid ${status.state.pid}) but not answering`;
    case 'stopped':
      return 'stopped';
    case 'port-taken':
      return `port ${status.state.port} taken by another process`;
    default: {
      const unknownState: never = status.state;
      return String(unknownState);
    }
  }
}

export function printStatus(statuses: readonly ComponentStatus[]): void {
  const rows = statuses.map((status) => [status.name, describeState(status), status.endpoint]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column].length)));
  for (const [name, state, endpoint] of rows) {
    console.log(`  ${name.padEnd(widths[0])}  ${state.padEnd(widths[1])}  ${endpoint}`);
  }
}

export function infraCommand(): Command {
  const infra = new Command('infra').description(
    'run the local platform: Kafka, schema registry, Postgres, S3 server (and Prometheus with --monitoring)',
  );

  infra
    .command('up')
    .description(
      'provision (first run) and start every server; waits until each answers; safe to repeat',
    )
    .addOption(onlyOption())
    .option(
      '--monitoring',
      'also start Prometheus, scraping the services readmit starts (or READMIT_INFRA_PROFILES=monitoring)',
    )
    .option(
      '--kafka-nodes <count>',
      'Kafka nodes: 1, or 3 for a replicated cluster (RF 3, min ISR 2; or READMIT_KAFKA_NODES); default: as the last `up`',
      parseKafkaNodes,
    )
    .action(
      async (options: { only?: ComponentName[]; monitoring?: boolean; kafkaNodes?: number }) => {
        const context = createInfraContext({ kafkaNodes: options.kafkaNodes });
        const manager = new InfraManager(context);
        const profiles = [...context.settings.profiles];
        if (options.monitoring && !profiles.includes('monitoring')) profiles.push('monitoring');
        const { started, alreadyRunning } = await manager.up(
          options.only ?? componentsFor(profiles),
        );
        if ([...started, ...alreadyRunning].includes('kafka')) {
          await createCatalogTopics({ log: (line) => console.log(line) });
        }
        console.log(`\nLocal platform is up (data in ${context.paths.home}):`);
        printStatus(await manager.status());
        console.log(`\nEndpoints for services and tests: ${context.paths.endpointsFile}`);
      },
    );

  infra
    .command('down')
    .description('stop the servers that readmit started (data is kept)')
    .addOption(onlyOption())
    .action(async (options: { only?: ComponentName[] }) => {
      await new InfraManager(createInfraContext()).down(options.only);
    });

  infra
    .command('status')
    .description('show each server, whether it answers, and where it listens')
    .option('--json', 'print machine-readable JSON')
    .action(async (options: { json?: boolean }) => {
      const statuses = await new InfraManager(createInfraContext()).status();
      if (options.json) console.log(JSON.stringify(statuses, null, 2));
      else printStatus(statuses);
      const healthy = statuses.every(
        (status) => status.state.kind === 'running' && status.state.healthy,
      );
      process.exitCode = healthy ? 0 : 3;
    });

  infra
    .command('logs')
    .description("print (or follow) a server's log")
    .argument('<component>', `${COMPONENT_NAMES.join(' | ')} | kafka-<node> (a cluster's node)`)
    .option('-n, --lines <count>', 'how many lines from the end', '100')
    .option('-f, --follow', 'keep printing new lines')
    .action(async (name: string, options: { lines: string; follow?: boolean }) => {
      const file = logFileOf(new InfraManager(createInfraContext()), name);
      if (!existsSync(file))
        throw new InfraError(`${name} has no log yet (${file}): it has not been started`);
      const tail = spawn('tail', ['-n', options.lines, ...(options.follow ? ['-F'] : []), file], {
        stdio: 'inherit',
      });
      await new Promise<void>((resolve) => tail.on('exit', () => resolve()));
    });

  return infra;
}

/** A component's log, or one node's of a local Kafka cluster (`kafka-2`). */
function logFileOf(manager: InfraManager, name: string): string {
  const node = /^kafka-(\d+)$/.exec(name);
  if (!node) return manager.component(parseComponents(name)[0]).logFile();
  const kafka = manager.component('kafka');
  if (!(kafka instanceof KafkaClusterComponent))
    throw new InfraError(`${name}: the local Kafka is a single node; its log is \`kafka\``);
  return kafka.node(Number(node[1])).logFile();
}
