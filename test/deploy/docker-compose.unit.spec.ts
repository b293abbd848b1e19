import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, parseHostPort, platformEnvSchema } from '@readmit/platform';
import { gatewayEnvSchema } from '../../services/gateway/src/gateway.config';
import { ingestEnvSchema } from '../../services/ingest/src/ingest.config';
import { monitorEnvSchema } from '../../services/monitor/src/monitor.config';
import { registryEnvSchema } from '../../services/registry/src/registry.config';
import { scoringEnvSchema } from '../../services/scoring/src/scoring.config';
import { PROJECT_ROOT } from '../support/endpoints';

/**
 * docker-compose.yml cannot run on machines without a Docker engine, so this keeps it honest:
 * every service is there, built from the shared Dockerfile, configured with variables the code
 * reads and values it accepts, wired to servers that exist, and started after they are healthy.
 */
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

/** The applications of the monorepo: folders under services/ with a main.ts (the CLI is not a service). */
const applications = readdirSync(join(PROJECT_ROOT, 'services')).filter(
  (name) => name !== 'cli' && existsSync(join(PROJECT_ROOT, 'services', name, 'src', 'main.ts')),
);

/** Services with variables of their own; the others read the platform's only. */
const SERVICE_ENV_SCHEMAS: Record<string, typeof platformEnvSchema> = {
  ingest: ingestEnvSchema,
  registry: registryEnvSchema,
  scoring: scoringEnvSchema,
  gateway: gatewayEnvSchema,
  monitor: monitorEnvSchema,
};

/** `${VAR:?message}` and `${VAR}` become a placeholder, as compose would substitute them. */
const substitute = (value: string) =>
  value.replace(/\$\{([A-Z_]+)(:\?[^}]*)?\}/g, 'placeholder-secret-0123456789');

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

  it.each(applications)(
    'configures %s only with variables it reads, with values it accepts',
    (name) => {
      const environment = services[name].environment ?? {};
      const schema = SERVICE_ENV_SCHEMAS[name] ?? platformEnvSchema;
      const known = Object.keys(schema.shape);
      expect(Object.keys(environment).filter((variable) => !known.includes(variable))).toEqual([]);
      for (const variable of [
        'READMIT_HTTP_PORT',
        'READMIT_KAFKA_BROKERS',
        'READMIT_SCHEMA_REGISTRY_URL',
        'READMIT_DATABASE_URL',
      ]) {
        expect(environment[variable]).toEqual(expect.any(String));
      }
      const substituted = Object.fromEntries(
        Object.entries(environment).map(([key, value]) => [key, substitute(String(value))]),
      );
      expect(() => loadConfig(name, schema, substituted)).not.toThrow();
    },
  );

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

  it('lets Prometheus scrape every application at its /metrics port', () => {
    const prometheus = parse(read('infra/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{ metrics_path: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prometheus.scrape_configs.flatMap((config) =>
      config.static_configs.flatMap((group) => group.targets),
    );
    expect(targets.sort()).toEqual(
      applications.map((name) => `${name}:${services[name].environment?.READMIT_HTTP_PORT}`).sort(),
    );
    expect(prometheus.scrape_configs.every((config) => config.metrics_path === '/metrics')).toBe(
      true,
    );
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
