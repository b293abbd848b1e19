import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  PROJECT_ROOT,
  testEndpoints,
  uniqueName,
} from '../../../../test/support/endpoints';
import { apiKeysEnv, testApiKey } from '../../../../test/support/api-keys';
import { TEST_PSEUDONYM_KEY } from '../../../../test/support/pseudonyms';
import { createCatalogTopics } from '../commands/topics.command';
import type { LoopService, RunningService } from '../demo/closed-loop';
import { buildServices, processLauncher } from '../demo/service-processes';
import { scrapeTargetsFolder } from './scrape-targets';

/** On a fresh machine, apt-get installs Prometheus and nest builds the services first. */
const FIRST_RUN_TIMEOUT_MS = 360_000;

interface PrometheusTarget {
  readonly labels: Record<string, string>;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

/**
 * The monitoring profile as a user runs it: `readmit infra up --monitoring` starts Debian's
 * Prometheus (installing it on first use), and services started by readmit register themselves
 * as its targets. Prometheus runs in a home and on a port of its own; the services use the shared
 * Kafka and registry on topics of their own.
 */
describe('readmit infra up --monitoring: Prometheus scrapes the running services', () => {
  const home = mkdtempSync(join(tmpdir(), 'readmit-monitoring-'));
  const port = 19190;
  const prometheus = `http://127.0.0.1:${port}`;
  const env = { ...process.env, READMIT_HOME: home, READMIT_PROMETHEUS_PORT: String(port) };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'readmit.js'), ...args], {
      cwd: PROJECT_ROOT,
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
  const services: RunningService[] = [];

  beforeAll(() => chmodSync(home, 0o755));

  afterAll(async () => {
    for (const service of services) await service.stop();
    cli('infra', 'down', '--only', 'prometheus');
    rmSync(home, { recursive: true, force: true });
  });

  const targets = async (): Promise<PrometheusTarget[]> => {
    const response = await fetch(`${prometheus}/api/v1/targets?state=active`);
    const body = (await response.json()) as { data: { activeTargets: PrometheusTarget[] } };
    return body.data.activeTargets;
  };

  it(
    'starts Prometheus with the alert rules, and reports every started service as up',
    async () => {
      const up = cli('infra', 'up', '--monitoring', '--only', 'prometheus');
      expect(up.stderr).toBe('');
      expect(up.status).toBe(0);
      expect(up.stdout).toMatch(/prometheus\s+running \(pid \d+\)\s+http:\/\/localhost:19190/);

      // The project's alert rules are loaded (Prometheus would refuse to start on a broken one).
      const rules = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string }> }> };
      };
      const alertNames = rules.data.groups.flatMap((group) => group.rules.map((rule) => rule.name));
      expect(alertNames).toEqual(
        expect.arrayContaining([
          'ReadmitScoringDown',
          'ReadmitNoChampion',
          'ReadmitConsumerLagHigh',
        ]),
      );

      // Two real services, compiled as the Docker image runs them, on ports picked at start.
      const prefix = `${uniqueName('monitoring')}.`;
      const endpoints = testEndpoints();
      await createCatalogTopics({
        brokers: endpoints.kafkaBrokers.join(','),
        prefix,
        log: () => undefined,
      });
      buildServices(PROJECT_ROOT, () => undefined);
      const launch = processLauncher(PROJECT_ROOT, join(home, 'logs'), scrapeTargetsFolder(home));
      const platformEnv = {
        READMIT_KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
        READMIT_SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
        READMIT_DATABASE_URL: endpoints.databaseUrl,
        READMIT_TOPIC_PREFIX: prefix,
        READMIT_OBJECT_STORE: 'filesystem',
        READMIT_OBJECT_STORE_ROOT: join(home, 'artifacts'),
        READMIT_LOG_LEVEL: 'warn',
        // Ingest serves routes that need a role, and pseudonymizes what it reads.
        READMIT_API_KEYS: apiKeysEnv(testApiKey('uploader', ['ingest', 'read'])),
        READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
      };
      for (const name of ['ingest', 'trainer'] as const satisfies readonly LoopService[])
        services.push(
          await launch(name, { ...platformEnv, READMIT_INSTANCE_ID: `${prefix}${name}` }),
        );

      const scraped = await eventually(
        async () => {
          const active = await targets();
          const ours = services.map((service) =>
            active.find((target) => target.scrapeUrl === `${service.url}/metrics`),
          );
          return ours.every((target) => target?.health === 'up') ? ours : undefined;
        },
        60_000,
        1_000,
      );
      expect(scraped.map((target) => target?.labels.service)).toEqual(['ingest', 'trainer']);

      // The samples arrive under the service's own label.
      const query = await fetch(
        `${prometheus}/api/v1/query?query=${encodeURIComponent('count by (service) (readmit_process_cpu_seconds_total)')}`,
      );
      const result = (await query.json()) as {
        data: { result: Array<{ metric: { service: string } }> };
      };
      expect(result.data.result.map((series) => series.metric.service)).toEqual(
        expect.arrayContaining(['ingest', 'trainer']),
      );

      // A stopped service leaves the targets.
      const trainer = services.pop() as RunningService;
      await trainer.stop();
      await eventually(
        async () => {
          const active = await targets();
          return active.some((target) => target.scrapeUrl === `${trainer.url}/metrics`)
            ? undefined
            : true;
        },
        30_000,
        1_000,
      );
    },
    FIRST_RUN_TIMEOUT_MS,
  );
});
