import {
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ApiKeyVerifier, PublicRoute } from '@readmit/platform/auth';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { webAssets, type WebAsset } from '../infrastructure/web-assets';
import { ConsoleSessions, cookieValue, SESSION_COOKIE, sessionCookie } from './console-session';
import { jsonBody } from './json-body';

const signIn = z.object({ apiKey: z.string().min(1) });

/** Pages may run only our own scripts and styles, and talk only to this gateway. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The web console's shell: the page and its bundled files (no CDN: it works offline), and
 * signing in and out: the only public routes besides health and metrics. The page itself holds
 * no data; everything it shows comes from `/console/api/*`, each route with its role.
 */
@ApiExcludeController()
@PublicRoute()
@Controller('console')
export class ConsolePageController {
  private readonly assets: ReadonlyMap<string, WebAsset> = webAssets();

  constructor(
    @Inject(ApiKeyVerifier) private readonly keys: ApiKeyVerifier,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  @Get()
  page(@Res() response: Response): void {
    this.send('index.html', response);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() response: Response): void {
    if (name === 'index.html' || !this.assets.has(name))
      throw new NotFoundException({ message: `no console asset ${name}` });
    this.send(name, response);
  }

  /** Signs in with an API key: a session cookie with its principal, never the key, comes back. */
  @Post('api/session')
  @HttpCode(HttpStatus.NO_CONTENT)
  async signIn(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const parsed = signIn.safeParse(jsonBody(request));
    const principal = parsed.success ? await this.keys.verify(parsed.data.apiKey) : undefined;
    if (principal === 'busy')
      throw new HttpException(
        { message: 'too many API key checks at once: retry shortly' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    if (!principal) throw new ForbiddenException({ message: 'the API key is not accepted' });
    const { token, maxAgeSeconds } = this.sessions.issue(principal, Date.now());
    response.setHeader('Set-Cookie', sessionCookie(token, maxAgeSeconds, request.secure));
  }

  @Delete('api/session')
  @HttpCode(HttpStatus.NO_CONTENT)
  signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.setHeader('Set-Cookie', sessionCookie('', 0, request.secure));
  }

  /** Whether this browser is signed in, and as whom: 200 either way, so a first visit logs no error. */
  @Get('api/session')
  session(@Req() request: Request): { signedIn: boolean; name?: string; roles?: string[] } {
    const principal = this.sessions.principalOf(
      cookieValue(request.headers.cookie, SESSION_COOKIE),
      Date.now(),
    );
    return principal
      ? { signedIn: true, name: principal.id, roles: [...principal.roles] }
      : { signedIn: false };
  }

  private send(name: string, response: Response): void {
    const asset = this.assets.get(name) as WebAsset;
    response.setHeader('Content-Type', asset.contentType);
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(asset.path);
  }
}
