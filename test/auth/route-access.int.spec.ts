import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { TOPICS, type EventType } from '@readmit/contracts';
import { applicationRoutes, type Role, type Route } from '@readmit/platform/auth';
import { apiKeysEnv, testApiKey, type TestApiKey } from '../support/api-keys';
import { uniqueName } from '../support/endpoints';
import { isolatedEventStreams } from '../support/kafka';
import { SCORING_TOPICS } from '../support/scoring-service';
import { ServiceStarter } from '../support/service-starter';
import { gatewayService } from '../../services/gateway/src/gateway.definition';
import { ingestEnvSchema } from '../../services/ingest/src/ingest.config';
import { IngestModule } from '../../services/ingest/src/ingest.module';
import { registryEnvSchema } from '../../services/registry/src/registry.config';
import { RegistryModule } from '../../services/registry/src/registry.module';

/**
 * Issue 23's rule, checked on the running services rather than on a list: every route of the
 * gateway, ingest and the registry, read from each application's own route table, answers 401
 * without a credential, 403 to a key whose principal lacks the route's role, and with the role
 * (or admin) whatever the route answers a request with an empty body: never 401 or 403, nor a
 * 500. Public routes (probes, metrics, the console's shell) answer without a credential.
 */

/** One key per role, each holding that role only. */
const ROLE_KEYS: Record<Exclude<Role, 'admin'>, TestApiKey> = {
  predict: testApiKey('only-predict', ['predict']),
  ingest: testApiKey('only-ingest', ['ingest']),
  read: testApiKey('only-read', ['read']),
  operate: testApiKey('only-operate', ['operate']),
};
const ADMIN = testApiKey('administrator', ['admin']);
/** The gateway's own key for the registry (console reads and commands). */
const GATEWAY = testApiKey('gateway-console', ['read', 'operate']);
const ENTRIES = apiKeysEnv(...Object.values(ROLE_KEYS), ADMIN, GATEWAY);

/** A key whose principal holds a role, but not `role`. */
const lacking = (role: Role): TestApiKey => (role === 'read' ? ROLE_KEYS.predict : ROLE_KEYS.read);
const withRole = (role: Role): TestApiKey => (role === 'admin' ? ADMIN : ROLE_KEYS[role]);

const PARAMETERS: Record<string, string> = {
  name: 'readmission',
  version: 'v1',
  uploadId: 'no-such-upload',
};
const concrete = (path: string) =>
  path.replace(/:(\w+)/g, (_, name: string) => PARAMETERS[name] ?? 'x');
const described = (route: Route) => `${route.method} ${route.path}`;

const EVENTS: EventType[] = [
  'TrainingRequested',
  'TrainingCompleted',
  'DriftDetected',
  'PredictionMade',
  'OutcomeRecorded',
  'EncounterRecorded',
  'ModelPromoted',
  'BatchArrived',
];

describe('access to every route of the gateway, ingest and the registry', () => {
  let streams: Awaited<ReturnType<typeof isolatedEventStreams>>;
  let root: string;
  let services: ServiceStarter;
  const apps: Record<string, INestApplication> = {};
  const urlOf = (app: INestApplication) =>
    `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  /** The status a route answers; the body is not read (the live stream never ends). */
  const statusOf = async (service: string, route: Route, key?: TestApiKey): Promise<number> => {
    const response = await fetch(`${urlOf(apps[service])}${concrete(route.path)}`, {
      method: route.method,
      headers: {
        ...(key ? { 'x-api-key': key.key } : {}),
        ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      body: route.method === 'POST' ? '{}' : undefined,
    });
    await response.body?.cancel();
    return response.status;
  };

  beforeAll(async () => {
    streams = await isolatedEventStreams(
      [...SCORING_TOPICS, TOPICS.outcomes, TOPICS.training, TOPICS.drift, TOPICS.batches],
      EVENTS,
    );
    root = mkdtempSync(join(tmpdir(), 'readmit-access-'));
    services = new ServiceStarter({
      prefix: streams.prefix,
      env: { READMIT_OBJECT_STORE_ROOT: root, READMIT_API_KEYS: ENTRIES },
    });
    apps.registry = await services.start(
      { name: 'registry', envSchema: registryEnvSchema, module: RegistryModule },
      {
        READMIT_DATABASE_SCHEMA: uniqueName('access').replace(/-/g, '_'),
        READMIT_ORCHESTRATOR_ENABLED: 'false',
        READMIT_AUTH_DELEGATES: GATEWAY.name,
      },
    );
    apps.ingest = await services.start(
      { name: 'ingest', envSchema: ingestEnvSchema, module: IngestModule },
      {
        READMIT_DATABASE_SCHEMA: uniqueName('access').replace(/-/g, '_'),
        READMIT_INSTANCE_ID: uniqueName('ingest'),
      },
    );
    apps.gateway = await services.start(gatewayService, {
      READMIT_INSTANCE_ID: uniqueName('gateway'),
      READMIT_REGISTRY_URL: urlOf(apps.registry),
      READMIT_REGISTRY_API_KEY: GATEWAY.key,
    });
  });

  afterAll(async () => {
    await services?.stopAll();
    await streams?.publisher.disconnect();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['gateway', 10],
    ['ingest', 3],
    ['registry', 9],
  ])(
    '%s: 401 without a credential, 403 without the role, not refused with it',
    async (service, atLeast) => {
      const routes = applicationRoutes(apps[service]);
      const guarded = routes.filter((route) => route.policy && 'role' in route.policy);
      expect(guarded.length).toBeGreaterThanOrEqual(atLeast);
      expect(routes.filter((route) => route.policy === undefined).map(described)).toEqual([]);

      const answers: string[] = [];
      for (const route of guarded) {
        const role = (route.policy as { role: Role }).role;
        const statuses = {
          none: await statusOf(service, route),
          lacking: await statusOf(service, route, lacking(role)),
          holding: await statusOf(service, route, withRole(role)),
          admin: await statusOf(service, route, ADMIN),
        };
        answers.push(
          `${described(route)} (${role}): ${statuses.none} ${statuses.lacking} ${[401, 403, 500].includes(statuses.holding) ? `REFUSED ${statuses.holding}` : 'ok'} ${[401, 403, 500].includes(statuses.admin) ? `REFUSED ${statuses.admin}` : 'ok'}`,
        );
      }
      expect(answers).toEqual(
        guarded.map(
          (route) =>
            `${described(route)} (${(route.policy as { role: Role }).role}): 401 403 ok ok`,
        ),
      );

      const open = routes.filter(
        (route) => route.policy && 'public' in route.policy && route.method === 'GET',
      );
      const openAnswers: string[] = [];
      for (const route of open) {
        const status = await statusOf(service, route);
        openAnswers.push(`${described(route)}: ${[401, 403].includes(status) ? status : 'open'}`);
      }
      expect(openAnswers).toEqual(open.map((route) => `${described(route)}: open`));
    },
  );
});
