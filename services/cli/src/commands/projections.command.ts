import { Command } from 'commander';
import { topicName } from '@readmit/contracts';
import {
  openProjectionDatabase,
  ProjectionCheckpoint,
  rebuildProjection,
  type Projection,
} from '@readmit/platform/projections';
import { batchesProjection } from '@readmit/ingest';
import { registryProjection } from '@readmit/registry';
import { InfraManager } from '../infra/infra-manager';
import { InfraError } from '../infra/infra-error';
import { createInfraContext } from './infra.command';
import { cliKafka, cliSerde } from './topics.command';

/** Every projection of the platform, by name. */
export const PROJECTIONS: readonly Projection[] = [batchesProjection, registryProjection];

interface ProjectionOptions {
  prefix: string;
  schema: string;
  databaseUrl?: string;
  brokers?: string;
  registry?: string;
}

function chosen(names: readonly string[]): Projection[] {
  if (names.length === 0) return [...PROJECTIONS];
  return names.map((name) => {
    const projection = PROJECTIONS.find((candidate) => candidate.name === name);
    if (!projection)
      throw new InfraError(
        `no projection '${name}'; known: ${PROJECTIONS.map(({ name: known }) => known).join(', ')}`,
      );
    return projection;
  });
}

function withConnections(command: Command): Command {
  return command
    .option('--prefix <prefix>', 'topic name prefix', '')
    .option('--schema <schema>', 'Postgres schema of the projection tables', 'public')
    .option('--database-url <url>', 'Postgres URL (default: the local platform)')
    .option('--brokers <list>', 'Kafka brokers (default: the local platform)')
    .option('--registry <url>', 'schema registry URL (default: the local platform)');
}

async function connect(options: ProjectionOptions, projections: readonly Projection[]) {
  const infra = new InfraManager(createInfraContext());
  const kafka = cliKafka(options.brokers);
  const dataSource = await openProjectionDatabase(
    options.databaseUrl ?? infra.component('postgres').endpoint(),
    options.schema,
    projections,
  ).catch((error: unknown) => {
    throw new InfraError(`cannot open the projection database: ${(error as Error).message}`);
  });
  const serde = cliSerde(options.registry ?? infra.component('schema-registry').endpoint(), {
    topicPrefix: options.prefix,
  });
  return { kafka, dataSource, serde };
}

export function projectionsCommand(): Command {
  const projections = new Command('projections').description(
    'the Postgres read models built from the log',
  );
  withConnections(
    projections
      .command('rebuild')
      .argument(
        '[names...]',
        `projections to rebuild (default: all: ${PROJECTIONS.map((p) => p.name).join(', ')})`,
      )
      .description(
        'empty the tables and replay the topics from the beginning, in one transaction (readers see the old rows until it commits)',
      ),
  ).action(async (names: string[], options: ProjectionOptions) => {
    const selected = chosen(names);
    const { kafka, dataSource, serde } = await connect(options, selected);
    try {
      for (const projection of selected) {
        console.error(`rebuilding ${projection.name}: ${projection.description}`);
        const report = await rebuildProjection(
          projection,
          { dataSource, kafka, serde },
          {
            topicPrefix: options.prefix,
            onProgress: (done, total) => {
              if (process.stderr.isTTY) process.stderr.write(`\r  ${done} / ${total} messages`);
            },
          },
        );
        if (process.stderr.isTTY) process.stderr.write('\n');
        console.log(
          `${report.projection}: ${report.applied} events applied, ${report.skipped} undecodable skipped, ${(report.durationMs / 1000).toFixed(1)} s`,
        );
      }
    } finally {
      await dataSource.destroy();
    }
  });
  withConnections(
    projections
      .command('status')
      .description('how far each projection has read each partition, against the end of the log'),
  ).action(async (options: ProjectionOptions) => {
    const { kafka, dataSource } = await connect(options, PROJECTIONS);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      for (const projection of PROJECTIONS) {
        const missing = projection.topics
          .map((t) => topicName(t, options.prefix))
          .filter((topic) => !existing.has(topic));
        if (missing.length > 0) {
          console.log(
            `${projection.name.padEnd(12)} nothing to read: ${missing.join(', ')} not created (readmit topics create)`,
          );
          continue;
        }
        const checkpoints = await dataSource
          .getRepository(ProjectionCheckpoint)
          .findBy({ projection: projection.name });
        let behind = 0n;
        for (const topic of projection.topics.map((t) => topicName(t, options.prefix))) {
          for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
            const checkpoint = checkpoints.find(
              (entry) => entry.topic === topic && entry.partition === partition,
            );
            const next = checkpoint ? BigInt(checkpoint.offset) + 1n : BigInt(low);
            // Transaction markers occupy offsets too, so "behind" is an upper bound.
            if (BigInt(high) > next) behind += BigInt(high) - next;
          }
        }
        console.log(
          `${projection.name.padEnd(12)} ${checkpoints.length} partitions checkpointed, at most ${behind} messages behind  (${projection.description})`,
        );
      }
    } finally {
      await admin.disconnect();
      await dataSource.destroy();
    }
  });
  return projections;
}
