import { Command } from 'commander';
import { allTopics, topicName } from '@readmit/contracts';
import {
  kafkaSecurityEnvShape,
  toKafkaSecurity,
  toSchemaRegistryAuth,
  type KafkaSecurity,
  type SchemaRegistryAuth,
} from '@readmit/platform/config';
import {
  createKafkaClient,
  EventSerde,
  provisionTopics,
  type EventSerdeOptions,
} from '@readmit/platform/kafka';
import { InfraError } from '../infra/infra-error';
import { z } from 'zod';
import { createLogger } from '@readmit/platform/logging';
import type { Kafka } from 'kafkajs';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext } from './infra.command';

/** Creates the topic catalog on the local broker (or the one given); safe to repeat. */
export async function createCatalogTopics(options: {
  brokers?: string;
  prefix?: string;
  log: (line: string) => void;
}): Promise<void> {
  const kafka = cliKafka(options.brokers);
  const result = await provisionTopics(kafka, { prefix: options.prefix });
  options.log(
    `topics: ${result.created.length} created, ${result.existing.length} already present (${allTopics().length} in the catalog, dead-letter topics included)`,
  );
  for (const name of result.created) options.log(`  + ${name}`);
}

export function topicsCommand(): Command {
  const topics = new Command('topics').description('the Kafka topic catalog');
  topics
    .command('create')
    .description(
      'create every catalog topic and its dead-letter topic; existing topics are left alone',
    )
    .option('--brokers <list>', 'bootstrap brokers (default: the local platform)')
    .option('--prefix <prefix>', 'prefix for topic names (isolated environments)', '')
    .action(async (options: { brokers?: string; prefix: string }) => {
      await createCatalogTopics({
        brokers: options.brokers,
        prefix: options.prefix,
        log: (line) => console.log(line),
      });
    });
  topics
    .command('list')
    .description('print the catalog: topic, key, partitions, event types')
    .option('--prefix <prefix>', 'prefix for topic names', '')
    .action((options: { prefix: string }) => {
      for (const topic of allTopics()) {
        const events =
          topic.events.length > 0
            ? topic.events.join(', ')
            : '(dead letters: raw bytes + error headers)';
        console.log(
          `${topicName(topic, options.prefix).padEnd(28)} key=${topic.key.padEnd(13)} partitions=${topic.partitions}  ${events}`,
        );
      }
    });
  return topics;
}

/**
 * TLS and SASL for the CLI's Kafka clients, from the same variables the services read
 * (READMIT_KAFKA_TLS…, READMIT_KAFKA_SASL…; docs/configuration.md): plaintext when unset.
 */
export function cliKafkaSecurity(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const parsed = z.object(kafkaSecurityEnvShape).safeParse(env);
  if (!parsed.success)
    throw new InfraError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
    );
  const read = toKafkaSecurity(parsed.data);
  if ('problems' in read) throw new InfraError(read.problems.join('; '));
  return read.security;
}

/**
 * The schema registry's basic credentials for the CLI (READMIT_SCHEMA_REGISTRY_USERNAME and
 * _PASSWORD), by the services' rule, if set.
 */
export function cliRegistryAuth(
  registryUrl: string,
  env: NodeJS.ProcessEnv = process.env,
): SchemaRegistryAuth | undefined {
  const read = toSchemaRegistryAuth({ ...env, READMIT_SCHEMA_REGISTRY_URL: registryUrl });
  if (read.problems.length > 0) throw new InfraError(read.problems.join('; '));
  return read.auth;
}

/** The CLI's serde: the registry's credentials from the environment. */
export function cliSerde(registryUrl: string, options: EventSerdeOptions = {}): EventSerde {
  return EventSerde.create(registryUrl, { ...options, registryAuth: cliRegistryAuth(registryUrl) });
}

/** The CLI's Kafka client for the given brokers, or the local platform's. */
export function cliKafka(brokers?: string): Kafka {
  const list = brokers ?? new InfraManager(createInfraContext()).component('kafka').endpoint();
  return createKafkaClient(
    { brokers: list.split(','), clientId: 'readmit-cli', security: cliKafkaSecurity() },
    // kafkajs logs retriable hiccups (a coordinator still loading) as errors; real failures are thrown.
    createLogger({ service: 'readmit-cli', level: 'fatal' }),
  );
}
