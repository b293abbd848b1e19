import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '@readmit/platform/auth';
import type { Response } from 'express';
import { webAssets, type WebAsset } from '../infrastructure/web-assets';

/** Pages may run only our own scripts and styles, and talk only to this gateway. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The web console's shell: the page and its files (no CDN: it works offline), open like signing
 * in and out (ConsoleSessionController), health and metrics. The page itself holds no data;
 * everything it shows comes from `/console/api/*`, each route with its role, documented in the
 * gateway's OpenAPI document (the page is not an API: it is left out of it).
 */
@ApiExcludeController()
@PublicRoute()
@Controller('console')
export class ConsolePageController {
  private readonly assets: ReadonlyMap<string, WebAsset> = webAssets();

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

  private send(name: string, response: Response): void {
    const asset = this.assets.get(name) as WebAsset;
    response.setHeader('Content-Type', asset.contentType);
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(asset.path);
  }
}
