import { Body, Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { TOPICS, type AuditRecorded } from '@readmit/contracts';
import { platformEnvSchema } from '../config/platform-config';
import { createApiKey } from '../auth/api-key-hashing';
import { PublicRoute, RequireRole } from '../auth/route-policy';
import { isolatedEventStreams, physical, readTopic } from '../../../../test/support/kafka';
import { ServiceStarter } from '../../../../test/support/service-starter';
import { EventSerde } from '../kafka/serde/event-serde';

@Controller('v1/things')
class ThingsController {
  @Get()
  @RequireRole('read')
  list() {
    return [];
  }

  @Post(':name/archive')
  @HttpCode(200)
  @RequireRole('operate')
  archive(@Param('name') name: string, @Body() _body: unknown) {
    return { archived: name };
  }

  @Post('broken')
  @PublicRoute()
  broken(): never {
    throw new Error('boom');
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('the audit trail on a running service', () => {
  let starter: ServiceStarter;
  let serde: EventSerde;
  let topic: string;
  let kafka: Awaited<ReturnType<typeof isolatedEventStreams>>['kafka'];
  let base: string;
  const keys: Record<'operator' | 'reader', string> = { operator: '', reader: '' };

  beforeAll(async () => {
    const streams = await isolatedEventStreams([TOPICS.audit], ['AuditRecorded']);
    ({ serde, kafka } = streams);
    await streams.publisher.disconnect();
    topic = physical(TOPICS.audit, streams.prefix);
    const operator = await createApiKey('olivia', ['operate']);
    const reader = await createApiKey('rhea', ['read']);
    keys.operator = operator.key;
    keys.reader = reader.key;
    starter = new ServiceStarter({ prefix: streams.prefix });
    const app = await starter.start(
      { name: 'things', envSchema: platformEnvSchema, module: ThingsModule },
      { READMIT_API_KEYS: `${operator.entry},${reader.entry}` },
    );
    base = await app.getUrl();
  });

  afterAll(() => starter?.stopAll());

  const post = (path: string, key?: string) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'req-42',
        ...(key ? { 'x-api-key': key } : {}),
      },
      body: '{}',
    });

  it('records every state-changing request with its principal and outcome, never a read or a key', async () => {
    expect((await post('/v1/things/readmission/archive?secret=1', keys.operator)).status).toBe(200);
    expect((await post('/v1/things/readmission/archive', keys.reader)).status).toBe(403);
    expect((await post('/v1/things/readmission/archive')).status).toBe(401);
    expect((await post('/v1/things/broken')).status).toBe(500);
    expect((await post('/v1/nowhere/at/all', keys.operator)).status).toBe(404);
    const read = await fetch(`${base}/v1/things`, { headers: { 'x-api-key': keys.reader } });
    expect(read.status).toBe(200);

    const messages = await readTopic(kafka, topic, { count: 5, settleMs: 1_500 });
    expect(messages).toHaveLength(5);
    for (const { message } of messages) {
      const bytes = message.value?.toString('latin1') ?? '';
      for (const key of Object.values(keys)) expect(bytes).not.toContain(key.slice(20));
      expect(bytes).not.toContain('secret');
    }
    const records = await Promise.all(
      messages.map(
        async ({ message }) => (await serde.decode(message.value)).event as AuditRecorded,
      ),
    );
    const fields = records
      .map(
        ({
          principal,
          authMethod,
          roles,
          service,
          action,
          resource,
          outcome,
          status,
          requestId,
        }) => ({
          principal,
          authMethod,
          roles,
          service,
          action,
          resource,
          outcome,
          status,
          requestId,
        }),
      )
      .sort((a, b) => a.status - b.status);
    expect(fields).toEqual([
      {
        principal: 'olivia',
        authMethod: 'api-key',
        roles: ['operate'],
        service: 'things',
        action: 'POST /v1/things/:name/archive',
        resource: 'v1/things/readmission/archive',
        outcome: 'succeeded',
        status: 200,
        requestId: 'req-42',
      },
      {
        principal: 'anonymous',
        authMethod: 'none',
        roles: [],
        service: 'things',
        action: 'POST /v1/things/:name/archive',
        resource: 'v1/things/readmission/archive',
        outcome: 'refused',
        status: 401,
        requestId: 'req-42',
      },
      {
        principal: 'rhea',
        authMethod: 'api-key',
        roles: ['read'],
        service: 'things',
        action: 'POST /v1/things/:name/archive',
        resource: 'v1/things/readmission/archive',
        outcome: 'refused',
        status: 403,
        requestId: 'req-42',
      },
      // No route, so no guard ran: nobody was authenticated for it.
      {
        principal: 'anonymous',
        authMethod: 'none',
        roles: [],
        service: 'things',
        action: 'POST (no route)',
        resource: 'v1/nowhere/at/all',
        outcome: 'rejected',
        status: 404,
        requestId: 'req-42',
      },
      {
        principal: 'anonymous',
        authMethod: 'none',
        roles: [],
        service: 'things',
        action: 'POST /v1/things/broken',
        resource: 'v1/things/broken',
        outcome: 'failed',
        status: 500,
        requestId: 'req-42',
      },
    ]);
    // Keyed by principal: one principal's records stay in order.
    expect(messages.map(({ message }) => message.key?.toString()).sort()).toEqual([
      'anonymous',
      'anonymous',
      'anonymous',
      'olivia',
      'rhea',
    ]);
  });
});
