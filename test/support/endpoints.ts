import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface TestEndpoints {
  readonly kafkaBrokers: string[];
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  readonly s3Endpoint: string;
}

/**
 * Where the local platform listens: from the environment when set, else from the
 * `.readmit/infra.json` that `readmit infra up` writes, else the defaults.
 */
export function testEndpoints(env: NodeJS.ProcessEnv = process.env): TestEndpoints {
  const file = join(PROJECT_ROOT, env.READMIT_HOME ?? '.readmit', 'infra.json');
  const written: Record<string, string> = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : {};
  const pick = (name: string, fallback: string) => env[name] ?? written[name] ?? fallback;
  return {
    kafkaBrokers: pick('READMIT_KAFKA_BROKERS', 'localhost:9092').split(','),
    schemaRegistryUrl: pick('READMIT_SCHEMA_REGISTRY_URL', 'http://localhost:8081/apis/ccompat/v7'),
    databaseUrl: pick(
      'READMIT_TEST_DATABASE_URL',
      'postgres://readmit@localhost:5432/readmit_test',
    ),
    s3Endpoint: pick('READMIT_S3_ENDPOINT', 'http://localhost:9000'),
  };
}

/** A name no other test (or earlier run) uses: topics, groups, buckets, tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Polls until `probe` returns a value, instead of sleeping a fixed time. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`,
  );
}

/**
 * A file of the reference data in ../shared/data (the real UCI sample and its id mappings),
 * which is read in place and never copied into the project. READMIT_SHARED_DATA overrides
 * the folder.
 */
export function sharedDataFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const folder = env.READMIT_SHARED_DATA ?? resolve(PROJECT_ROOT, '..', 'shared', 'data');
  const path = join(folder, name);
  if (!existsSync(path)) {
    throw new Error(
      `reference data ${path} is missing: put the shared/ folder beside the repository or set READMIT_SHARED_DATA`,
    );
  }
  return path;
}
