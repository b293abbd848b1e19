import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import request from 'supertest';
import { platformEnvSchema } from '../config/platform-config';
import { createService } from './run-service';
import { PROJECT_ROOT, testEndpoints } from '../../../../test/support/endpoints';

@Module({})
class ProbeServiceModule {}

async function startProbeService(env: Record<string, string>): Promise<INestApplication> {
  return createService(
    { name: 'probe', envSchema: platformEnvSchema, module: ProbeServiceModule },
    {
      READMIT_HTTP_PORT: '0',
      READMIT_LOG_LEVEL: 'fatal',
      ...env,
    },
  );
}

describe('a service built with the platform library', () => {
  it('serves /health, /ready (Kafka reachable) and Prometheus /metrics', async () => {
    const app = await startProbeService({
      READMIT_KAFKA_BROKERS: testEndpoints().kafkaBrokers.join(','),
    });
    try {
      const server = app.getHttpServer();
      const health = await request(server).get('/health').expect(200);
      expect(health.body).toMatchObject({ status: 'ok', service: 'probe' });

      const ready = await request(server).get('/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { kafka: { ready: true } } });

      const metrics = await request(server).get('/metrics').expect(200);
      expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
      expect(metrics.text).toMatch(/^readmit_process_cpu_user_seconds_total\{service="probe"\} /m);

      // Every service describes itself, openly: /openapi.json and Swagger UI at /docs.
      const document = await request(server).get('/openapi.json').expect(200);
      expect(document.body.info.title).toBe('Readmit probe');
      expect(Object.keys(document.body.paths)).toEqual(['/health', '/ready', '/metrics']);
      expect((await request(server).get('/docs-json').expect(200)).body).toEqual(document.body);
      expect((await request(server).get('/docs').expect(200)).text).toContain('swagger-ui');
    } finally {
      await app.close();
    }
  });

  it('answers /ready with 503 and the reason while Kafka is unreachable, yet stays alive', async () => {
    // Nothing listens on port 1: the broker is down, the service itself is healthy.
    const app = await startProbeService({ READMIT_KAFKA_BROKERS: '127.0.0.1:1' });
    try {
      const server = app.getHttpServer();
      await request(server).get('/health').expect(200);
      const ready = await request(server).get('/ready').expect(503);
      expect(ready.body.status).toBe('not ready');
      expect(ready.body.checks.kafka.ready).toBe(false);
      expect(ready.body.checks.kafka.error).toEqual(expect.any(String));
    } finally {
      await app.close();
    }
  });
});

describe('bad configuration stops a service at start-up with one clear line', () => {
  const tsx = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const run = (entry: string, env: Record<string, string>) =>
    spawnSync(tsx, ['--tsconfig', join(PROJECT_ROOT, 'tsconfig.json'), entry], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, READMIT_HTTP_PORT: '0', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('a malformed broker address in a real service (ingest)', () => {
    const result = run('services/ingest/src/main.ts', {
      READMIT_KAFKA_BROKERS: 'localhost:notaport',
    });
    expect(result.status).toBe(78);
    expect(result.stdout).toBe('');
    // One line, naming the broker address first (other required settings may follow it).
    expect(result.stderr).toMatch(
      /^ingest: invalid configuration: READMIT_KAFKA_BROKERS: 'localhost:notaport' is not a broker address of the form host:port(; [^\n]+)?\n$/,
    );
  });

  it('a missing required variable', () => {
    const result = run('test/fixtures/service-with-required-variable.ts', {});
    expect(result.status).toBe(78);
    expect(result.stderr).toBe(
      'fixture: invalid configuration: READMIT_FIXTURE_API_KEYS: is required but not set\n',
    );
  });
});
