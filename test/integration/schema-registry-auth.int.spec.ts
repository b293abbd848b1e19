import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { EventSerde } from '@readmit/platform/kafka';
import { testEndpoints, uniqueName } from '../support/endpoints';

/**
 * The serde against a registry that wants HTTP basic credentials (Confluent Cloud's API key and
 * secret): the local registry behind a proxy that refuses requests without them.
 */
describe('a schema registry that needs credentials', () => {
  const credentials = { username: 'readmit-sr', password: 'sr-secret-123' };
  const expected = `Basic ${Buffer.from('readmit-sr:sr-secret-123').toString('base64')}`;
  const upstream = testEndpoints().schemaRegistryUrl;
  let proxy: Server;
  let proxyUrl = '';
  let refused = 0;

  beforeAll(async () => {
    proxy = createServer((request, response) => {
      if (request.headers.authorization !== expected) {
        refused += 1;
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end('{"error_code":401,"message":"Unauthorized"}');
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
        fetch(`${upstream}${request.url ?? ''}`, {
          method: request.method,
          headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
          body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
        })
          .then(async (answer) => {
            response.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'application/json',
            });
            response.end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => {
            response.writeHead(502);
            response.end();
          });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('registers and reads schemas with the credentials, and is refused without them', async () => {
    const topicPrefix = `${uniqueName('sr-auth')}.`;
    const serde = EventSerde.create(proxyUrl, { topicPrefix, registryAuth: credentials });
    await serde.register(['ModelPromoted']);
    const encoded = serde.encode('ModelPromoted', EXAMPLE_EVENTS.ModelPromoted);
    // A reader of its own, with no cached schema: it fetches the writer schema by id.
    const reader = EventSerde.create(proxyUrl, { topicPrefix, registryAuth: credentials });
    const decoded = await reader.decode(encoded);
    expect(decoded).toMatchObject({
      eventType: 'ModelPromoted',
      event: EXAMPLE_EVENTS.ModelPromoted,
    });
    expect(refused).toBe(0);

    const anonymous = EventSerde.create(proxyUrl, { topicPrefix: `${uniqueName('sr-anon')}.` });
    await expect(anonymous.register(['ModelPromoted'])).rejects.toThrow(/401/);
    expect(refused).toBeGreaterThan(0);
  });
});
