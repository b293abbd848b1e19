import {
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiKeys } from '../../application/api-keys';
import { webAssets, type WebAsset } from '../infrastructure/web-assets';
import { ConsoleSessions, cookieValue, SESSION_COOKIE, sessionCookie } from './console-session';
import { jsonBody } from './json-body';

const signIn = z.object({ apiKey: z.string().min(1) });

/** Pages may run only our own scripts and styles, and talk only to this gateway. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The web console's shell: the page and its bundled files (no CDN: it works offline), and
 * signing in and out. The page itself holds no data; everything it shows comes from
 * `/console/api/*` behind ConsoleAuthGuard.
 */
@ApiExcludeController()
@Controller('console')
export class ConsolePageController {
  private readonly assets: ReadonlyMap<string, WebAsset> = webAssets();

  constructor(
    @Inject(ApiKeys) private readonly keys: ApiKeys,
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

  /** Signs in with an API key: a session cookie, never the key, comes back. */
  @Post('api/session')
  @HttpCode(HttpStatus.NO_CONTENT)
  signIn(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    const parsed = signIn.safeParse(jsonBody(request));
    if (!parsed.success || !this.keys.accepts(parsed.data.apiKey))
      throw new ForbiddenException({ message: 'the API key is not accepted' });
    const { token, maxAgeSeconds } = this.sessions.issue(Date.now());
    response.setHeader('Set-Cookie', sessionCookie(token, maxAgeSeconds, request.secure));
  }

  @Delete('api/session')
  @HttpCode(HttpStatus.NO_CONTENT)
  signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.setHeader('Set-Cookie', sessionCookie('', 0, request.secure));
  }

  /** Whether this browser is signed in: 200 either way, so a first visit logs no error. */
  @Get('api/session')
  session(@Req() request: Request): { signedIn: boolean } {
    return {
      signedIn: this.sessions.accepts(
        cookieValue(request.headers.cookie, SESSION_COOKIE),
        Date.now(),
      ),
    };
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
