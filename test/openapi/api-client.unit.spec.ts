import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryClient, ingestClient } from '@readmit/platform/api-client';
import { PROJECT_ROOT } from '../support/endpoints';
import { API_SERVICES, documentFile, renderDocument } from './api-documents';

describe('the committed OpenAPI documents and client types', () => {
  it.each(API_SERVICES.map((definition) => [definition.name, definition] as const))(
    '%s: the committed document is what the service serves (run npm run api:generate)',
    (name, definition) => {
      // Built here under jest's compiler, which emits decorator metadata; the generator runs
      // under tsx, which does not: equal documents also show that none depends on it.
      expect(existsSync(documentFile(name))).toBe(true);
      expect(readFileSync(documentFile(name), 'utf8')).toBe(renderDocument(definition));
    },
  );

  it('the generated types are what openapi-typescript makes of them (run npm run api:generate)', () => {
    // openapi-typescript is an ES module jest does not load: the generator checks in a
    // process of its own (a few seconds: tsx loads every API service's modules).
    const check = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'test', 'openapi', 'generate.ts'), '--check'],
      { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.status).toBe(0);
  }, 150_000);
});

describe('the typed client', () => {
  const answered = (status: number, body: unknown) => {
    const requests: Request[] = [];
    const fetch = async (request: Request) => {
      requests.push(request);
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    };
    return { requests, fetch };
  };

  it('sends a decision to its path, with the API key and the JSON body', async () => {
    const { requests, fetch } = answered(200, { kind: 'promoted' });
    const registry = registryClient({ baseUrl: 'http://registry:3001/', apiKey: 'rk_x', fetch });
    const { data, error, response } = await registry.POST(
      '/v1/models/{name}/versions/{version}/promote',
      {
        params: { path: { name: 'readmission', version: 'v 2' } },
        body: { reason: 'better on every rule', force: false },
      },
    );
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data).toEqual({ kind: 'promoted' });
    const [request] = requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://registry:3001/v1/models/readmission/versions/v%202/promote');
    expect(request.headers.get('x-api-key')).toBe('rk_x');
    expect(await request.json()).toEqual({ reason: 'better on every rule', force: false });
  });

  it('types an error answer as the documented body', async () => {
    const body = { message: 'invalid body', errors: [{ field: 'reason', message: 'required' }] };
    const { fetch } = answered(400, body);
    const ingest = ingestClient({ baseUrl: 'http://ingest:3002', bearerToken: 'jwt', fetch });
    const { data, error } = await ingest.POST('/v1/patients/{patient}/forget', {
      params: { path: { patient: 'pat_x' } },
    });
    expect(data).toBeUndefined();
    expect(error).toEqual(body);
  });
});
