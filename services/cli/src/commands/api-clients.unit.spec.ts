import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../infra/infra-error';
import { exportThroughApi } from './datasets.command';
import { forgetThroughApi } from './patients.command';
import { RegistryApi } from './registry-api';

/** A fetch that answers each request with the next reply and keeps what was asked. */
function service(...replies: Array<{ status: number; body: unknown; type?: string }>) {
  const requests: Array<{ method: string; url: string; headers: Headers; body: Buffer }> = [];
  const fetch = async (request: Request) => {
    requests.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: Buffer.from(await request.arrayBuffer()),
    });
    const reply = replies.shift();
    if (!reply) throw new Error('no reply left');
    const binary = reply.body instanceof Uint8Array;
    return new Response(
      binary ? (reply.body as Uint8Array<ArrayBuffer>) : JSON.stringify(reply.body),
      {
        status: reply.status,
        headers: { 'content-type': reply.type ?? 'application/json' },
      },
    );
  };
  return { requests, fetch };
}

describe('the CLI through the typed API clients', () => {
  it('decides through the registry: the path, the API key and the body the document describes', async () => {
    const { requests, fetch } = service({ status: 200, body: { kind: 'rejected' } });
    const api = new RegistryApi('http://registry:3001', 'rk_key', fetch);
    await expect(api.reject('readmission', 'v7', { reason: 'worse' })).resolves.toEqual({
      kind: 'rejected',
    });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: 'http://registry:3001/v1/models/readmission/versions/v7/reject',
    });
    expect(requests[0].headers.get('x-api-key')).toBe('rk_key');
    expect(JSON.parse(requests[0].body.toString())).toEqual({ reason: 'worse' });
  });

  it('says what the registry refused, with the failed rules and fields', async () => {
    const { fetch } = service({
      status: 409,
      body: { message: 'v7 fails the policy', criteria: [{ name: 'auc', passed: false }] },
    });
    const api = new RegistryApi('http://registry:3001', 'rk_key', fetch);
    await expect(api.promote('readmission', 'v7', { reason: 'r', force: false })).rejects.toThrow(
      new InfraError('the registry answered 409: v7 fails the policy [failed: auc]'),
    );
  });

  it('uploads a model as bytes with its query, claimed metrics included', async () => {
    const accepted = {
      runId: 'r1',
      modelName: 'readmission',
      status: 'judging',
      featureSpecId: 'fs1-d60fd1af2cdf8401',
      stagedArtifactSha256: 'ab',
      message: 'judging',
    };
    const { requests, fetch } = service({ status: 202, body: accepted });
    const api = new RegistryApi('http://registry:3001', 'rk_key', fetch);
    const bytes = new Uint8Array([8, 1, 2, 3]);
    const answer = await api.importModel(
      'readmission',
      {
        featureSpec: 'fs1-d60fd1af2cdf8401',
        task: 'any',
        threshold: 0.3,
        'claimed.roc_auc': 0.71,
      },
      bytes,
      5_000,
    );
    expect(answer).toEqual(accepted);
    const url = new URL(requests[0].url);
    expect(url.pathname).toBe('/v1/models/readmission/imports');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      featureSpec: 'fs1-d60fd1af2cdf8401',
      task: 'any',
      threshold: '0.3',
      'claimed.roc_auc': '0.71',
    });
    expect(requests[0].headers.get('content-type')).toBe('application/octet-stream');
    expect([...requests[0].body]).toEqual([8, 1, 2, 3]);
  });

  it('forgets a patient through ingest, and says what a refusal means', async () => {
    const result = { patient: 'pat_x', keyDestroyed: true, eventId: 'e1' };
    const ok = service({ status: 200, body: result });
    await expect(
      forgetThroughApi('http://ingest:3002', 'rk_key', 'pat_x', ok.fetch),
    ).resolves.toEqual(result);
    expect(ok.requests[0]).toMatchObject({
      method: 'POST',
      url: 'http://ingest:3002/v1/patients/pat_x/forget',
    });
    const refused = service({
      status: 403,
      body: { message: 'this route needs the operate role' },
    });
    await expect(
      forgetThroughApi('http://ingest:3002', 'rk_key', 'pat_x', refused.fetch),
    ).rejects.toThrow(/ingest answered 403: this route needs the operate role \(READMIT_API_KEY/);
  });

  it('exports a training set through the trainer and downloads its files', async () => {
    const manifest = {
      exportId: 'ds-0123456789abcdef',
      rows: { train: 1, validation: 1, holdout: 1 },
      links: {
        'train.parquet': '/v1/datasets/exports/ds-0123456789abcdef/train.parquet',
        'manifest.json': '/v1/datasets/exports/ds-0123456789abcdef/manifest.json',
      },
    };
    const { requests, fetch } = service(
      { status: 201, body: manifest },
      {
        status: 200,
        body: new Uint8Array([80, 65, 82, 49]),
        type: 'application/vnd.apache.parquet',
      },
      { status: 200, body: { exportId: manifest.exportId } },
    );
    const out = mkdtempSync(join(tmpdir(), 'readmit-export-'));
    try {
      const exported = await exportThroughApi(
        'http://trainer:3003',
        { READMIT_API_KEY: 'rk_key' },
        { task: 'any', asOf: Date.UTC(2026, 10, 23, 10), out, quiet: true },
        fetch,
      );
      expect(exported).toEqual({ exportId: manifest.exportId, rows: manifest.rows });
      expect(JSON.parse(requests[0].body.toString())).toEqual({
        task: 'any',
        asOf: '2026-11-23T10:00:00.000Z',
      });
      expect(requests.slice(1).map((request) => new URL(request.url).pathname)).toEqual([
        '/v1/datasets/exports/ds-0123456789abcdef/train.parquet',
        '/v1/datasets/exports/ds-0123456789abcdef/manifest.json',
      ]);
      expect([...readFileSync(join(out, 'train.parquet'))]).toEqual([80, 65, 82, 49]);
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual({
        exportId: manifest.exportId,
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
