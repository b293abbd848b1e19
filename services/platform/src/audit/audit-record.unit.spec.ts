import { actionOf, auditRecordOf, isAudited, outcomeOf, resourceOf } from './audit-record';

describe('audit records', () => {
  it('records every request that can change state, not reads', () => {
    expect(['POST', 'delete', 'PUT', 'PATCH'].map(isAudited)).toEqual([true, true, true, true]);
    expect(['GET', 'HEAD', 'OPTIONS'].map(isAudited)).toEqual([false, false, false]);
  });

  it('tells a refusal from a rejection and a failure', () => {
    expect([200, 201, 204, 302].map(outcomeOf)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect([401, 403].map(outcomeOf)).toEqual(['refused', 'refused']);
    expect([400, 404, 409, 413, 422].map(outcomeOf)).toEqual(Array(5).fill('rejected'));
    expect([500, 503].map(outcomeOf)).toEqual(['failed', 'failed']);
  });

  it('names the action by route pattern, never by the path asked for', () => {
    expect(actionOf('post', '/v1/models/:name/rollback')).toBe('POST /v1/models/:name/rollback');
    expect(actionOf('POST', undefined)).toBe('POST (no route)');
  });

  it('keeps the path without its query string, bounded', () => {
    expect(resourceOf('/v1/models/readmission/rollback?token=secret')).toBe(
      'v1/models/readmission/rollback',
    );
    const long = resourceOf(`/v1/${'x'.repeat(1_000)}`);
    expect(long.length).toBe(301);
    expect(long.endsWith('…')).toBe(true);
  });

  it('records an anonymous refusal without roles or method', () => {
    expect(
      auditRecordOf({
        service: 'registry',
        method: 'POST',
        route: '/v1/models/:name/rollback',
        path: '/v1/models/readmission/rollback',
        status: 401,
        principal: undefined,
        authMethod: 'api-key',
        requestId: undefined,
      }),
    ).toEqual({
      principal: 'anonymous',
      authMethod: 'none',
      roles: [],
      service: 'registry',
      action: 'POST /v1/models/:name/rollback',
      resource: 'v1/models/readmission/rollback',
      outcome: 'refused',
      status: 401,
      requestId: null,
    });
  });

  it('records the principal and its roles when one was authenticated', () => {
    const record = auditRecordOf({
      service: 'registry',
      method: 'POST',
      route: '/v1/models/:name/versions/:version/promote',
      path: '/v1/models/readmission/versions/7/promote',
      status: 200,
      principal: { id: 'alice', roles: ['operate'] },
      authMethod: 'oidc',
      requestId: 'r-1',
    });
    expect(record).toMatchObject({
      principal: 'alice',
      authMethod: 'oidc',
      roles: ['operate'],
      outcome: 'succeeded',
      requestId: 'r-1',
    });
  });
});
