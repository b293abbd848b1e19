import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ExpressHttpAdapter } from './express-http-adapter';

describe('ExpressHttpAdapter', () => {
  let server: Server;
  let app: Express;
  let baseUrl: string;
  /** Whether each request arrived with Express's prototype already, before Express saw it. */
  const arrivedAsExpressRequest: boolean[] = [];

  beforeAll(async () => {
    const adapter = new ExpressHttpAdapter();
    adapter.initHttpServer({});
    app = adapter.getInstance<Express>();
    server = adapter.getHttpServer() as Server;
    // Runs before Express's own 'request' listener.
    server.prependListener('request', (request: IncomingMessage) =>
      arrivedAsExpressRequest.push(Object.getPrototypeOf(request) === app.request),
    );
    app.post('/echo', (request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () =>
        response.status(201).json({ body, query: request.query, path: request.path }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("makes requests with Express's prototypes from the start, and Express still works", async () => {
    const response = await fetch(`${baseUrl}/echo?explain=true`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      body: 'hello',
      query: { explain: 'true' },
      path: '/echo',
    });
    // Express's response helpers (status, json) came from app.response, set at creation.
    expect(arrivedAsExpressRequest).toEqual([true]);
  });

  it('answers 404 for unknown routes through Express as before', async () => {
    const response = await fetch(`${baseUrl}/nowhere`);
    expect(response.status).toBe(404);
  });
});
