import { isPortOpen } from '../../services/cli/src/infra/wait-for';
import { testEndpoints } from '../support/endpoints';
import { preparePythonClients } from '../support/python-clients';

function reachable(hostPort: string): Promise<boolean> {
  const url = hostPort.includes('://') ? new URL(hostPort) : new URL(`tcp://${hostPort}`);
  return isPortOpen(Number(url.port), url.hostname, 1_000);
}

/** Integration tests need the real local platform; say so plainly instead of timing out test by test. */
export async function requireLocalPlatform(): Promise<void> {
  const endpoints = testEndpoints();
  const checks: Array<[string, string]> = [
    ['Kafka', endpoints.kafkaBrokers[0]],
    ['schema registry', endpoints.schemaRegistryUrl],
    ['Postgres', endpoints.databaseUrl],
    ['S3 server', endpoints.s3Endpoint],
  ];
  const missing: string[] = [];
  for (const [name, address] of checks) {
    if (!(await reachable(address))) missing.push(`${name} (${address})`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need the local platform, but these do not answer: ${missing.join(', ')}. Start it with \`./readmit infra up\`, or run everything with \`./readmit test\`.`,
    );
  }
}

/**
 * The local platform, and the Python virtualenvs of the third-party client tests built here,
 * before any test runs: pip installing them inside a test's hook raced its timeout on a busy
 * machine.
 */
export default async function integrationSetup(): Promise<void> {
  await requireLocalPlatform();
  preparePythonClients((line) => process.stderr.write(`${line}\n`));
}
