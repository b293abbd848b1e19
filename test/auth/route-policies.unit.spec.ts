import { Controller, Get, Module } from '@nestjs/common';
import {
  controllersOf,
  describePolicy,
  PublicRoute,
  RequireRole,
  routesOf,
  type Route,
} from '@readmit/platform/auth';
import { PlatformModule } from '@readmit/platform/bootstrap';
import { loadConfig, platformEnvSchema, toPlatformConfig } from '@readmit/platform/config';
import { createLogger } from '@readmit/platform/logging';
import { BackfillModule } from '../../services/backfill/src/backfill.module';
import { GatewayModule } from '../../services/gateway/src/gateway.module';
import { IngestModule } from '../../services/ingest/src/ingest.module';
import { MonitorModule } from '../../services/monitor/src/monitor.module';
import { RegistryModule } from '../../services/registry/src/registry.module';
import { ScoringModule } from '../../services/scoring/src/scoring.module';
import { TrainerModule } from '../../services/trainer/src/trainer.module';
import { APPLICATIONS } from '../deploy/support/applications';

/**
 * Every route of every service declares who may call it (issue 23): a route without
 * @RequireRole or @PublicRoute fails this test, read from the modules as each service's main.ts
 * assembles them (the platform's controllers included), so it fails before anything runs.
 */
const SERVICE_MODULES: Record<string, unknown> = {
  backfill: BackfillModule,
  gateway: GatewayModule,
  ingest: IngestModule,
  monitor: MonitorModule,
  registry: RegistryModule,
  scoring: ScoringModule,
  trainer: TrainerModule,
};

const platform = PlatformModule.register({
  config: toPlatformConfig('probe', loadConfig('probe', platformEnvSchema, {})),
  serviceConfig: {},
  logger: createLogger({ service: 'probe', level: 'fatal' }),
  openApi: { title: 'probe', description: '' },
});

function routeTable(service: string): Route[] {
  const module = SERVICE_MODULES[service] as Parameters<typeof controllersOf>[0];
  return routesOf([...controllersOf(platform), ...controllersOf(module)]);
}

const line = (route: Route) => `${route.method} ${route.path} → ${describePolicy(route.policy)}`;

/**
 * What may stay open: probes (the platform's and the Open Inference Protocol's), metrics, the
 * OpenAPI document (Swagger UI at /docs is served beside it, outside the router) and the
 * console's shell (page, assets, sign-in).
 */
const PUBLIC = [
  'GET /health',
  'GET /ready',
  'GET /openapi.json',
  'GET /v2/health/live',
  'GET /v2/health/ready',
  'GET /metrics',
  'GET /console',
  'GET /console/assets/:name',
  'POST /console/api/session',
  'GET /console/api/session',
  'DELETE /console/api/session',
];

describe('route policies', () => {
  it('covers every service with a main.ts', () => {
    expect(Object.keys(SERVICE_MODULES).sort()).toEqual([...APPLICATIONS].sort());
  });

  it.each(Object.keys(SERVICE_MODULES))('%s: every route declares a policy', (service) => {
    const routes = routeTable(service);
    expect(routes.length).toBeGreaterThanOrEqual(3);
    const undeclared = routes.filter((route) => route.policy === undefined);
    expect(undeclared.map((route) => `${route.method} ${route.path} (${route.handler})`)).toEqual(
      [],
    );
  });

  it('opens only health, readiness, metrics, the OpenAPI document and the console shell', () => {
    const open = Object.keys(SERVICE_MODULES)
      .flatMap(routeTable)
      .filter((route) => route.policy && 'public' in route.policy)
      .map((route) => `${route.method} ${route.path}`);
    expect([...new Set(open)].sort()).toEqual([...PUBLIC].sort());
  });

  it('gives the gateway, ingest and registry the roles of issue 23', () => {
    expect(routeTable('gateway').map(line)).toEqual(
      expect.arrayContaining([
        'POST /v1/predictions → role predict',
        'POST /v1/predictions/batch → role predict',
        'GET /v2 → role predict',
        'GET /v2/models/:name → role predict',
        'GET /v2/models/:name/versions/:version → role predict',
        'GET /v2/models/:name/ready → role predict',
        'GET /v2/models/:name/versions/:version/ready → role predict',
        'POST /v2/models/:name/infer → role predict',
        'POST /v2/models/:name/versions/:version/infer → role predict',
        'GET /console/api/models → role read',
        'GET /console/api/live/stream → role read',
        'POST /console/api/predictions → role predict',
        'POST /console/api/models/:name/versions/:version/promote → role operate',
        'POST /console/api/models/:name/rollback → role operate',
      ]),
    );
    expect(routeTable('ingest').map(line)).toEqual(
      expect.arrayContaining([
        'POST /v1/encounters/bulk → role ingest',
        'GET /v1/encounters/bulk/:uploadId → role read',
        'GET /v1/batches → role read',
      ]),
    );
    expect(routeTable('registry').map(line)).toEqual(
      expect.arrayContaining([
        'GET /v1/models → role read',
        'GET /v1/models/:name/versions/:version → role read',
        'POST /v1/models/:name/versions/:version/promote → role operate',
        'POST /v1/models/:name/versions/:version/challenge → role operate',
        'POST /v1/models/:name/versions/:version/reject → role operate',
        'POST /v1/models/:name/rollback → role operate',
        'GET /v1/orchestrator → role read',
      ]),
    );
  });

  it('would catch a route without a policy (the walk reads handlers, controllers and imports)', () => {
    @Controller('forgotten')
    class ForgottenController {
      @Get()
      list(): void {}
      @Get('open')
      @PublicRoute()
      open(): void {}
    }
    @RequireRole('read')
    @Controller('covered')
    class CoveredController {
      @Get(['a', 'b'])
      read(): void {}
    }
    @Module({ controllers: [ForgottenController] })
    class Inner {}
    @Module({ imports: [{ module: Inner, controllers: [CoveredController] }] })
    class Outer {}
    expect(routesOf(controllersOf(Outer)).map(line)).toEqual([
      'GET /forgotten → no policy',
      'GET /forgotten/open → public',
      'GET /covered/a → role read',
      'GET /covered/b → role read',
    ]);
  });
});
