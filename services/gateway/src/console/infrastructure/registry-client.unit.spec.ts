import { RegistryClient, RegistryUnavailableError } from './registry-client';

/** A registry that answers each request with the next reply and keeps what was asked. */
function registry(...replies: Array<{ status: number; text: string }>) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    const reply = replies.shift();
    if (!reply) throw new Error('connect ECONNREFUSED');
    return new Response(reply.text || null, {
      status: reply.status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { requests, fetch };
}

describe("the console's registry client (the typed client of the registry's API)", () => {
  it('reads through the documented paths, with the gateway key', async () => {
    const { requests, fetch } = registry(
      { status: 200, text: '{"modelName":"readmission","versions":[]}' },
      { status: 404, text: '{"message":"readmission has no version v9"}' },
    );
    const client = new RegistryClient('http://registry:3001', 'rk_gateway', 1_000, fetch);
    await expect(client.versions('readmission', 500)).resolves.toEqual({
      status: 200,
      body: { modelName: 'readmission', versions: [] },
    });
    await expect(client.compare('readmission', 'v 1', 'v9')).resolves.toEqual({
      status: 404,
      body: { message: 'readmission has no version v9' },
    });
    expect(requests.map((request) => request.url)).toEqual([
      'http://registry:3001/v1/models/readmission/versions?limit=500',
      'http://registry:3001/v1/models/readmission/compare?a=v%201&b=v9',
    ]);
    expect(requests[0].headers.get('x-api-key')).toBe('rk_gateway');
  });

  it('sends a command on behalf of the signed-in person and relays the refusal as it is', async () => {
    const refusal = { message: 'fails the policy', criteria: [{ name: 'auc', passed: false }] };
    const { requests, fetch } = registry({ status: 409, text: JSON.stringify(refusal) });
    const client = new RegistryClient('http://registry:3001', 'rk_gateway', 1_000, fetch);
    await expect(
      client.promote('readmission', 'v7', { reason: 'better', force: false }, 'dr.lee'),
    ).resolves.toEqual({ status: 409, body: refusal });
    expect(requests[0].headers.get('x-readmit-on-behalf-of')).toBe('dr.lee');
    expect(await requests[0].json()).toEqual({ reason: 'better', force: false });
  });

  it('a body that is not JSON becomes its message; no answer is RegistryUnavailableError', async () => {
    const { fetch } = registry({ status: 502, text: 'Bad gateway' });
    const client = new RegistryClient('http://registry:3001', undefined, 1_000, fetch);
    await expect(client.models()).resolves.toEqual({
      status: 502,
      body: { message: 'Bad gateway' },
    });
    await expect(client.models()).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
