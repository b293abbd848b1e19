import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, testEndpoints } from './endpoints';
import { TEST_PSEUDONYM_KEY } from './pseudonyms';

/**
 * Runs the readmit CLI as a user would, pointed at the test platform: `--brokers` and
 * `--registry` (and `--database-url` when asked) are added after the arguments. It holds the
 * test's site key (READMIT_PSEUDONYM_KEY) unless `env` says otherwise.
 */
export function runReadmit(
  args: readonly string[],
  options: { database?: boolean; env?: Readonly<Record<string, string>> } = {},
) {
  const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = testEndpoints();
  return spawnSync(
    process.execPath,
    [
      join(PROJECT_ROOT, 'bin', 'readmit.js'),
      ...args,
      '--brokers',
      kafkaBrokers.join(','),
      '--registry',
      schemaRegistryUrl,
      ...(options.database ? ['--database-url', databaseUrl] : []),
    ],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...options.env },
    },
  );
}

/**
 * Starts a test fixture (test/fixtures/<name>.ts) in one node process, with tsx as a require
 * hook rather than its CLI wrapper, so that SIGKILL hits the process doing the work.
 */
export function startFixture(name: string, env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    [
      // e.g. FIXTURE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile a bench's fixture.
      ...(process.env.FIXTURE_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--require',
      'tsx/cjs',
      join(PROJECT_ROOT, 'test', 'fixtures', `${name}.ts`),
    ],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(PROJECT_ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/**
 * runReadmit without blocking: for a CLI that talks to services running in the test's own
 * process, which a synchronous spawn would leave unable to answer.
 */
export function runReadmitAsync(
  args: readonly string[],
  options: { env?: Readonly<Record<string, string>> } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { kafkaBrokers, schemaRegistryUrl } = testEndpoints();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join(PROJECT_ROOT, 'bin', 'readmit.js'),
        ...args,
        '--brokers',
        kafkaBrokers.join(','),
        '--registry',
        schemaRegistryUrl,
      ],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY, ...options.env },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
