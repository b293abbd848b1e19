import { Controller, Get, HttpException, type ExecutionContext, type Type } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error';
import type { PlatformConfig } from '../config/platform-config';
import { AuthGuard, ON_BEHALF_OF_HEADER } from './auth.guard';
import { Authenticator } from './authenticator';
import type { Authentication, CredentialSource } from './credentials';
import type { Principal } from './principal';
import { principalOf } from './request-principal';
import { PublicRoute, RequireRole } from './route-policy';

@Controller('things')
class ThingsController {
  @Get()
  @RequireRole('read')
  list(): void {}

  @Get('open')
  @PublicRoute()
  open(): void {}

  @Get('forgotten')
  forgotten(): void {}
}

@RequireRole('operate')
@Controller('commands')
class CommandsController {
  @Get()
  run(): void {}
}

const reader: Principal = { id: 'reader', roles: ['read'], method: 'api-key' };
const gateway: Principal = { id: 'gateway-console', roles: ['read', 'operate'], method: 'api-key' };
const root: Principal = { id: 'root', roles: ['admin'], method: 'oidc' };

/** A header source with fixed answers per header value, counting its calls. */
class FakeKeys implements CredentialSource {
  readonly asks = 'an API key in the x-api-key header';
  calls = 0;
  constructor(private readonly known: Record<string, Principal>) {}
  async authenticate(request: Request): Promise<Authentication | undefined> {
    this.calls += 1;
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string') return undefined;
    const principal = this.known[key];
    return principal
      ? { principal }
      : { refused: { status: 403, message: 'the API key is not accepted' } };
  }
}

const logged: Array<{ level: string; message: string; fields: object }> = [];
const logger = {
  error: (fields: object, message: string) => logged.push({ level: 'error', message, fields }),
  info: (fields: object, message: string) => logged.push({ level: 'info', message, fields }),
} as unknown as Logger; // only error and info are used

const config = (delegates: string[] = []) =>
  ({ service: 'probe', auth: { apiKeys: [], delegates } }) as unknown as PlatformConfig; // auth and service only

function containerOf(controllers: Type[]): ModulesContainer {
  const module = { controllers: new Map(controllers.map((type) => [type, { metatype: type }])) };
  return new Map([['probe', module]]) as unknown as ModulesContainer; // only .values() is read
}

function guardWith(sources: CredentialSource[], delegates: string[] = []) {
  return new AuthGuard(
    new Authenticator(sources),
    config(delegates),
    logger,
    containerOf([ThingsController, CommandsController]),
  );
}

function contextFor(
  controller: Type,
  handler: string,
  headers: Record<string, string> = {},
): { context: ExecutionContext; request: Request } {
  const request = {
    headers,
    method: 'GET',
    path: '/somewhere',
    route: { path: '/route' },
  } as unknown as Request;
  const context = {
    getType: () => 'http',
    getClass: () => controller,
    getHandler: () => (controller.prototype as Record<string, unknown>)[handler],
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext; // the members the guard reads
  return { context, request };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpException)
      return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
  throw new Error('not refused');
}

describe('the platform guard', () => {
  const keys = () => new FakeKeys({ r: reader, g: gateway, a: root });
  beforeEach(() => {
    logged.length = 0;
  });

  it('refuses a route without a declared policy with 500 naming the route, and logs it', async () => {
    const { context } = contextFor(ThingsController, 'forgotten', { 'x-api-key': 'a' });
    const { status, body } = await refusal(guardWith([keys()]).canActivate(context));
    expect(status).toBe(500);
    expect(body).toEqual({
      message:
        'GET /route declares no access policy (@RequireRole or @PublicRoute on ThingsController.forgotten): refused',
    });
    expect(logged).toEqual([expect.objectContaining({ level: 'error' })]);
  });

  it('lets anyone through a public route without looking for a credential', async () => {
    const source = keys();
    const { context } = contextFor(ThingsController, 'open');
    expect(await guardWith([source]).canActivate(context)).toBe(true);
    expect(source.calls).toBe(0);
  });

  it('401 without a credential, saying what to send; 403 for a key not accepted', async () => {
    const guard = guardWith([keys()]);
    expect(await refusal(guard.canActivate(contextFor(ThingsController, 'list').context))).toEqual({
      status: 401,
      body: { message: 'send an API key in the x-api-key header' },
    });
    const wrong = contextFor(ThingsController, 'list', { 'x-api-key': 'nope' }).context;
    expect(await refusal(guard.canActivate(wrong))).toEqual({
      status: 403,
      body: { message: 'the API key is not accepted' },
    });
  });

  it('names both ways to authenticate when both are on', async () => {
    const bearer: CredentialSource = {
      asks: 'a bearer token in the Authorization header',
      authenticate: async () => undefined,
    };
    const { body } = await refusal(
      guardWith([keys(), bearer]).canActivate(contextFor(ThingsController, 'list').context),
    );
    expect(body).toEqual({
      message:
        'send an API key in the x-api-key header or a bearer token in the Authorization header',
    });
  });

  it("403 for a principal without the route's role (method's or controller's); admin holds every role", async () => {
    const guard = guardWith([keys()]);
    const readerOnCommand = contextFor(CommandsController, 'run', { 'x-api-key': 'r' }).context;
    expect(await refusal(guard.canActivate(readerOnCommand))).toEqual({
      status: 403,
      body: { message: 'this route needs the operate role' },
    });
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'info',
        fields: expect.objectContaining({ principal: 'reader' }),
      }),
    ]);
    for (const key of ['r', 'a']) {
      const { context, request } = contextFor(ThingsController, 'list', { 'x-api-key': key });
      expect(await guard.canActivate(context)).toBe(true);
      expect(principalOf(request)?.id).toBe(key === 'r' ? 'reader' : 'root');
    }
    expect(
      await guard.canActivate(contextFor(CommandsController, 'run', { 'x-api-key': 'a' }).context),
    ).toBe(true);
  });

  it('passes on the status of a refused credential (an expired token: 401; an unreachable issuer: 503)', async () => {
    for (const status of [401, 503] as const) {
      const source: CredentialSource = {
        authenticate: async () => ({ refused: { status, message: 'because' } }),
      };
      expect(
        await refusal(
          guardWith([source]).canActivate(contextFor(ThingsController, 'list').context),
        ),
      ).toEqual({ status, body: { message: 'because' } });
    }
  });

  it('lets a trusted delegate act on behalf of a person, recorded as "person via delegate"', async () => {
    const guard = guardWith([keys()], ['gateway-console']);
    const { context, request } = contextFor(CommandsController, 'run', {
      'x-api-key': 'g',
      [ON_BEHALF_OF_HEADER]: 'dr.lee',
    });
    expect(await guard.canActivate(context)).toBe(true);
    expect(principalOf(request)).toEqual({
      id: 'dr.lee',
      via: 'gateway-console',
      roles: ['read', 'operate'],
      method: 'api-key',
    });
  });

  it('refuses the on-behalf-of header from anyone else (403) and a malformed one (400)', async () => {
    const untrusted = guardWith([keys()], []);
    const asked = { 'x-api-key': 'g', [ON_BEHALF_OF_HEADER]: 'dr.lee' };
    expect(
      await refusal(untrusted.canActivate(contextFor(CommandsController, 'run', asked).context)),
    ).toMatchObject({ status: 403 });
    const trusted = guardWith([keys()], ['gateway-console']);
    const malformed = { 'x-api-key': 'g', [ON_BEHALF_OF_HEADER]: 'dr lee\n' };
    expect(
      await refusal(trusted.canActivate(contextFor(CommandsController, 'run', malformed).context)),
    ).toMatchObject({ status: 400, body: { errors: [{ field: ON_BEHALF_OF_HEADER }] } });
  });

  it('at start-up, logs routes without a policy, and stops a service whose roles no credential can meet', () => {
    expect(() => guardWith([]).onApplicationBootstrap()).toThrow(ConfigError);
    expect(() => guardWith([]).onApplicationBootstrap()).toThrow(
      /READMIT_API_KEYS: is required: this service has routes that need a role/,
    );
    logged.length = 0;
    guardWith([keys()]).onApplicationBootstrap();
    expect(logged).toEqual([
      {
        level: 'error',
        message: 'routes without an access policy: every request to them is refused with 500',
        fields: { routes: ['GET /things/forgotten (ThingsController.forgotten)'] },
      },
    ]);
  });
});
