import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import {
  AuthenticatedPrincipal,
  OidcVerifier,
  RequireRole,
  type OidcConfig,
  type Principal,
} from '@readmit/platform/auth';
import { createService } from '@readmit/platform/bootstrap';
import { platformEnvSchema } from '@readmit/platform/config';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { testEndpoints } from '../support/endpoints';

/**
 * OIDC bearer tokens, against a local test issuer: a key pair made here, its JSON Web Key Set
 * served by a node:http server of this test. A token it signed for the right audience is
 * accepted; expired, wrong-audience, wrong-issuer and wrong-signature tokens are refused (401).
 */
const KEY_ID = 'test-issuer-key-1';
const AUDIENCE = 'readmit';

describe('OIDC bearer tokens', () => {
  let jwksServer: Server;
  let issuer: string;
  let signingKey: KeyLike;
  /** A key the issuer never published, under the same key id. */
  let impostorKey: KeyLike;
  let jwksRequests = 0;
  let config: OidcConfig;

  const token = (
    claims: JWTPayload,
    options: {
      key?: KeyLike;
      expiresIn?: string | number;
      audience?: string;
      issuer?: string;
    } = {},
  ) =>
    new SignJWT({ roles: ['read'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
      .setSubject('dr.lee')
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? signingKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    impostorKey = (await generateKeyPair('RS256')).privateKey;
    const jwks = {
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' }],
    };
    jwksServer = createServer((request, response) => {
      jwksRequests += 1;
      if (request.url !== '/jwks.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    config = {
      issuer,
      audience: AUDIENCE,
      jwksUrl: `${issuer}/jwks.json`,
      rolesClaim: 'roles',
      nameClaim: 'sub',
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  describe('the verifier', () => {
    it('accepts a token the issuer signed, with the roles of its roles claim that Readmit knows', async () => {
      const verifier = new OidcVerifier(config);
      expect(
        await verifier.verify(await token({ roles: ['read', 'operate', 'superuser'] })),
      ).toEqual({
        principal: { id: 'dr.lee', roles: ['read', 'operate'], method: 'oidc' },
      });
    });

    it.each([
      [
        'an expired token',
        { expiresIn: Math.floor(Date.now() / 1000) - 60 },
        'the bearer token has expired',
      ],
      [
        'a token for another audience',
        { audience: 'someone-else' },
        "the bearer token's aud claim is not accepted",
      ],
      [
        'a token from another issuer',
        { issuer: 'https://evil.example' },
        "the bearer token's iss claim is not accepted",
      ],
    ] as const)('refuses %s with 401', async (_what, options, message) => {
      const verifier = new OidcVerifier(config);
      expect(await verifier.verify(await token({}, options))).toEqual({
        refused: { status: 401, message },
      });
    });

    it('refuses a token signed with a key the issuer did not publish (401)', async () => {
      const verifier = new OidcVerifier(config);
      expect(await verifier.verify(await token({}, { key: impostorKey }))).toEqual({
        refused: { status: 401, message: 'the bearer token is not accepted' },
      });
      const tampered = (await token({ roles: ['read'] })).split('.');
      tampered[1] = Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(tampered[1], 'base64url').toString()),
          roles: ['admin'],
        }),
      ).toString('base64url');
      expect(await verifier.verify(tampered.join('.'))).toEqual({
        refused: { status: 401, message: 'the bearer token is not accepted' },
      });
    });

    it('refuses a token signed with a shared secret, even when the key lookup offers that secret', async () => {
      const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!');
      const verifier = new OidcVerifier(config, async () => secret);
      const hmac = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: KEY_ID })
        .setSubject('mallory')
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(secret);
      expect(await verifier.verify(hmac)).toEqual({
        refused: { status: 401, message: 'the bearer token is not accepted' },
      });
    });

    it('reads roles and the name from configured claims (a nested path, a space-separated string)', async () => {
      const verifier = new OidcVerifier({
        ...config,
        rolesClaim: 'realm_access.roles',
        nameClaim: 'preferred_username',
      });
      const nested = await token({
        realm_access: { roles: 'ingest read' },
        preferred_username: 'lee',
      });
      expect(await verifier.verify(nested)).toEqual({
        principal: { id: 'lee', roles: ['ingest', 'read'], method: 'oidc' },
      });
      expect(await verifier.verify(await token({}))).toEqual({
        refused: {
          status: 401,
          message: 'the bearer token has no usable preferred_username claim',
        },
      });
    });

    it('answers 503 when the issuer keys cannot be fetched, not 401', async () => {
      const verifier = new OidcVerifier({ ...config, jwksUrl: `${issuer}/missing.json` });
      expect(await verifier.verify(await token({}))).toMatchObject({ refused: { status: 503 } });
    });
  });

  describe('a service configured with the issuer', () => {
    @Controller('probe')
    class ProbeController {
      @Get('read')
      @RequireRole('read')
      read(@AuthenticatedPrincipal() principal: Principal) {
        return { principal: principal.id, method: principal.method };
      }

      @Get('operate')
      @RequireRole('operate')
      operate(): { ok: true } {
        return { ok: true };
      }
    }
    @Module({ controllers: [ProbeController] })
    class ProbeModule {}

    let app: INestApplication;
    let url: string;
    const get = async (path: string, bearer?: string) => {
      const response = await fetch(`${url}${path}`, {
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };

    beforeAll(async () => {
      app = await createService(
        { name: 'probe', envSchema: platformEnvSchema, module: ProbeModule },
        {
          READMIT_HTTP_PORT: '0',
          READMIT_LOG_LEVEL: 'fatal',
          READMIT_KAFKA_BROKERS: testEndpoints().kafkaBrokers.join(','),
          READMIT_OIDC_ISSUER: issuer,
          READMIT_OIDC_AUDIENCE: AUDIENCE,
          READMIT_OIDC_JWKS_URL: `${issuer}/jwks.json`,
        },
      );
      url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await app?.close();
    });

    it('takes a valid token as its principal; 401 without one or with a bad one; 403 without the role', async () => {
      const before = jwksRequests;
      expect(await get('/probe/read', await token({}))).toEqual({
        status: 200,
        body: { principal: 'dr.lee', method: 'oidc' },
      });
      expect(await get('/probe/read')).toEqual({
        status: 401,
        body: { message: 'send a bearer token in the Authorization header' },
      });
      const expired = await token({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
      expect(await get('/probe/read', expired)).toEqual({
        status: 401,
        body: { message: 'the bearer token has expired' },
      });
      expect((await get('/probe/read', await token({}, { audience: 'other' }))).status).toBe(401);
      expect((await get('/probe/read', await token({}, { key: impostorKey }))).status).toBe(401);
      expect(await get('/probe/operate', await token({}))).toEqual({
        status: 403,
        body: { message: 'this route needs the operate role' },
      });
      expect((await get('/probe/operate', await token({ roles: ['admin'] }))).status).toBe(200);
      // The key set is fetched once and cached, not per request.
      expect(jwksRequests - before).toBeLessThanOrEqual(1);
    });
  });
});
