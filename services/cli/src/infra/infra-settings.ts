import { resolve } from 'node:path';
import { z } from 'zod';
import { loadConfig, portField, type Environment } from '@readmit/platform/config';

/** Versions of the local servers; bumping one here re-provisions it on the next `infra up`. */
export const VERSIONS = {
  kafka: '3.9.1',
  apicurioRegistry: '2.4.2.Final',
  moto: '5.2.5',
} as const;

export const INFRA_PROFILES = ['monitoring'] as const;
export type InfraProfile = (typeof INFRA_PROFILES)[number];

const infraEnvSchema = z.object({
  READMIT_HOME: z.string().min(1).optional(),
  READMIT_KAFKA_PORT: portField.default(9092),
  READMIT_KAFKA_CONTROLLER_PORT: portField.default(9093),
  /**
   * Kafka nodes of the local platform: 1, or a cluster of 3 (RF 3, min ISR 2) or more. Unset:
   * as many as the last `infra up` started (`.readmit/kafka-nodes`), else 1.
   */
  READMIT_KAFKA_NODES: z.coerce.number().int().min(1).max(5).optional(),
  READMIT_SCHEMA_REGISTRY_PORT: portField.default(8081),
  READMIT_POSTGRES_PORT: portField.default(5432),
  READMIT_S3_PORT: portField.default(9000),
  READMIT_PROMETHEUS_PORT: portField.default(9090),
  /** Optional component sets `infra up` starts too, comma-separated: `monitoring` (Prometheus). */
  READMIT_INFRA_PROFILES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((profile) => profile.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(INFRA_PROFILES))),
  READMIT_INFRA_START_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(120),
});

export interface InfraSettings {
  /** The repository root: infra/ (poms) is read from here. */
  readonly projectRoot: string;
  /** Everything the local platform writes lives below this folder (git-ignored). */
  readonly home: string;
  readonly ports: {
    readonly kafka: number;
    readonly kafkaController: number;
    readonly schemaRegistry: number;
    readonly postgres: number;
    readonly s3: number;
    readonly prometheus: number;
  };
  /** Kafka nodes to run; undefined: as the last `infra up` did (InfraPaths.kafkaNodesFile). */
  readonly kafkaNodes?: number;
  /** Optional component sets started by default with the core servers. */
  readonly profiles: readonly InfraProfile[];
  readonly startTimeoutMs: number;
}

export function loadInfraSettings(
  projectRoot: string,
  env: Environment = process.env,
): InfraSettings {
  const parsed = loadConfig('readmit infra', infraEnvSchema, env);
  return {
    projectRoot,
    home: resolve(projectRoot, parsed.READMIT_HOME ?? '.readmit'),
    ports: {
      kafka: parsed.READMIT_KAFKA_PORT,
      kafkaController: parsed.READMIT_KAFKA_CONTROLLER_PORT,
      schemaRegistry: parsed.READMIT_SCHEMA_REGISTRY_PORT,
      postgres: parsed.READMIT_POSTGRES_PORT,
      s3: parsed.READMIT_S3_PORT,
      prometheus: parsed.READMIT_PROMETHEUS_PORT,
    },
    kafkaNodes: parsed.READMIT_KAFKA_NODES,
    profiles: parsed.READMIT_INFRA_PROFILES,
    startTimeoutMs: parsed.READMIT_INFRA_START_TIMEOUT_SECONDS * 1000,
  };
}
