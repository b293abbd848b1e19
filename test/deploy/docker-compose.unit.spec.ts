import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseHostPort } from '@readmit/platform/config';
import { PROJECT_ROOT } from '../support/endpoints';
import { TEST_PSEUDONYM_KEY } from '../support/pseudonyms';
import { APPLICATIONS as applications, envSchemaOf } from './support/applications';
import { environmentProblems } from './support/environment-checks';
import { topicsCommand } from '../../services/cli/src/commands/topics.command';

/**
 * docker-compose.yml cannot run on machines without a Docker engine, so this keeps it honest:
 * every service is there, built from the shared Dockerfile, configured with variables the code
 * reads and values it accepts, wired to servers that exist, and started after they are healthy.
 */
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

/** What an operator's .env holds, in the form each variable takes (an API key entry, a key). */
const PLACEHOLDERS: Record<string, string> = {
  READMIT_API_KEYS: `gateway-console:read+operate:0123456789abcdef:scrypt.16384.8.1.${'A'.repeat(22)}.${'B'.repeat(43)}`,
  READMIT_REGISTRY_API_KEY: `rk_0123456789abcdef_${'C'.repeat(43)}`,
  READMIT_PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
};

/** `${VAR:?message}` and `${VAR}` become a placeholder, as compose would substitute them. */
const substitute = (value: string) =>
  value.replace(
    /\$\{([A-Z_]+)(:\?[^}]*)?\}/g,
    (_, variable: string) => PLACEHOLDERS[variable] ?? 'placeholder-secret-0123456789',
  );

function backingServiceFor(hostPort: string): { service: string; port: number } {
  const parsed = parseHostPort(hostPort);
  if (!parsed) throw new Error(`'${hostPort}' is not host:port`);
  return { service: parsed.host, port: parsed.port };
}

function urlTarget(url: string): { service: string; port: number } {
  const parsed = new URL(substitute(url));
  return { service: parsed.hostname, port: Number(parsed.port) };
}

describe('docker-compose.yml', () => {
  it('has the backing servers of the production-like stack', () => {
    for (const name of ['kafka', 'schema-registry', 'postgres', 'minio', 'prometheus', 'grafana']) {
      expect(services[name]?.image).toEqual(expect.any(String));
    }
    expect(services['schema-registry'].image).toMatch(/^confluentinc\/cp-schema-registry:/);
    expect(services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it('has one container per application, built from the shared Dockerfile and known to nest-cli.json', () => {
    const nestProjects = (
      JSON.parse(read('nest-cli.json')) as {
        projects: Record<string, { type: string; entryFile: string }>;
      }
    ).projects;
    expect(applications.length).toBeGreaterThanOrEqual(7);
    for (const name of applications) {
      const service = services[name];
      expect(service).toBeDefined();
      expect(service.build).toEqual({
        context: '.',
        dockerfile: 'Dockerfile',
        args: { SERVICE: name },
      });
      expect(nestProjects[name]).toMatchObject({
        type: 'application',
        entryFile: `services/${name}/src/main`,
      });
    }
    expect(existsSync(join(PROJECT_ROOT, 'Dockerfile'))).toBe(true);
    expect(read('Dockerfile')).toContain('dist/services/${SERVICE}/src/main.js');
  });

  /** The environment compose gives a service, with `${VAR:?…}` substituted as compose would. */
  const environmentOf = (service: ComposeService) =>
    Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [
        key,
        substitute(String(value)),
      ]),
    );

  it.each(applications)(
    'configures %s with every variable it needs, only variables it reads, and values it accepts',
    (name) => {
      expect(environmentProblems(name, envSchemaOf(name), environmentOf(services[name]))).toEqual(
        [],
      );
    },
  );

  it('fails when a variable is renamed in compose or in the service config schema', () => {
    const environment = environmentOf(services.scoring);
    const { READMIT_SCHEMA_REGISTRY_URL: registry, ...rest } = environment;
    expect(
      environmentProblems('scoring', envSchemaOf('scoring'), {
        ...rest,
        READMIT_SCHEMA_REGISTRY: registry,
      }),
    ).toEqual([
      'scoring: sets READMIT_SCHEMA_REGISTRY, which the service does not read',
      'scoring: does not set READMIT_SCHEMA_REGISTRY_URL',
    ]);
    const { READMIT_SCORING_BATCH: batch, ...shape } = envSchemaOf('scoring').shape;
    const renamed = z.object({ ...shape, READMIT_SCORING_BATCH_SIZE: batch });
    expect(
      environmentProblems('scoring', renamed, {
        ...environment,
        READMIT_SCORING_BATCH: '500',
      }),
    ).toEqual(['scoring: sets READMIT_SCORING_BATCH, which the service does not read']);
  });

  it.each(applications)(
    'points %s at servers that exist, listen on those ports, and start first',
    (name) => {
      const service = services[name];
      const environment = service.environment ?? {};
      const targets = [
        ...environment.READMIT_KAFKA_BROKERS.split(',').map(backingServiceFor),
        urlTarget(environment.READMIT_SCHEMA_REGISTRY_URL),
        urlTarget(environment.READMIT_DATABASE_URL),
        urlTarget(environment.READMIT_S3_ENDPOINT),
      ];
      expect(targets.map((target) => target.service)).toEqual([
        'kafka',
        'schema-registry',
        'postgres',
        'minio',
      ]);

      const listensOn: Record<string, string> = {
        kafka: services.kafka.environment?.KAFKA_LISTENERS ?? '',
        'schema-registry': services['schema-registry'].environment?.SCHEMA_REGISTRY_LISTENERS ?? '',
        postgres: ':5432',
        minio: ':9000',
      };
      for (const target of targets) {
        expect(listensOn[target.service]).toMatch(new RegExp(`:${target.port}(,|$)`));
        expect(service.depends_on?.[target.service]).toEqual({ condition: 'service_healthy' });
        expect(services[target.service].healthcheck?.test).toEqual(expect.any(Array));
      }
    },
  );

  it('creates the topics in a one-shot step that every service waits for (auto-creation is off)', () => {
    expect(services.kafka.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    const topics = services.topics;
    // The CLI image, `readmit topics create` against the brokers the services use.
    expect(topics.build).toEqual({ context: '.', dockerfile: 'Dockerfile', target: 'cli' });
    expect(read('Dockerfile')).toMatch(/^FROM \S+ AS cli$/m);
    const create = topicsCommand().commands.find((command) => command.name() === 'create');
    expect(create?.options.map((option) => option.long)).toContain('--brokers');
    const [command, action, flag, brokers] = topics.command ?? [];
    expect([command, action, flag]).toEqual(['topics', 'create', '--brokers']);
    expect(brokers).toBe(services.ingest.environment?.READMIT_KAFKA_BROKERS);
    expect(topics.depends_on?.kafka).toEqual({ condition: 'service_healthy' });
    // It runs once; a restart policy would run it again and again.
    expect(topics.restart).toBe('no');
    for (const name of applications)
      expect(services[name].depends_on?.topics).toEqual({
        condition: 'service_completed_successfully',
      });
  });

  it.each(applications)('probes %s on /health at the port it listens on', (name) => {
    const service = services[name];
    const port = service.environment?.READMIT_HTTP_PORT;
    expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
    expect(service.ports?.every((mapping) => mapping.endsWith(`:${port}`))).toBe(true);
  });

  it('publishes each host port once', () => {
    const hostPorts = Object.values(services).flatMap((service) =>
      (service.ports ?? []).map((mapping) => mapping.split(':')[0]),
    );
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('lets Prometheus scrape every application at its /metrics port, labelled with its name', () => {
    const prometheus = parse(read('infra/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{
        metrics_path: string;
        honor_labels?: boolean;
        static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
      }>;
    };
    const groups = prometheus.scrape_configs.flatMap((config) => config.static_configs);
    const targets = groups.flatMap((group) => group.targets);
    expect(targets.sort()).toEqual(
      applications.map((name) => `${name}:${services[name].environment?.READMIT_HTTP_PORT}`).sort(),
    );
    // Alert rules name services as up{service="…"}: the label each service puts on its metrics.
    for (const group of groups)
      for (const target of group.targets) expect(group.labels?.service).toBe(target.split(':')[0]);
    for (const config of prometheus.scrape_configs) {
      expect(config.metrics_path).toBe('/metrics');
      expect(config.honor_labels).toBe(true);
    }
    const volumes = services.prometheus.volumes ?? [];
    expect(volumes).toContain('./infra/prometheus/rules:/etc/prometheus/rules:ro');
  });

  it('takes every secret from the environment and lists each in .env.example', () => {
    const text = read('docker-compose.yml');
    const required = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]));
    const example = read('.env.example');
    for (const variable of required) expect(example).toMatch(new RegExp(`^${variable}=$`, 'm'));
    // No password or secret key is given a literal value.
    expect(text).not.toMatch(/^\s*[A-Z_]*(PASSWORD|SECRET[A-Z_]*):\s*(?!\$\{)\S/m);
  });
});
