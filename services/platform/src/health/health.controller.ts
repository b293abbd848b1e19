import { Controller, Get, HttpCode, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PublicRoute } from '../auth/route-policy';
import { ReadinessRegistry } from './readiness';
import { PLATFORM_CONFIG } from '../bootstrap/platform.tokens';
import type { PlatformConfig } from '../config/platform-config';

/**
 * `/health` says the process is alive; `/ready` says its dependencies answer. Open to anyone:
 * probes carry no credentials, and neither answer holds data.
 */
@PublicRoute()
@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Get('health')
  @HttpCode(HttpStatus.OK)
  health(): { status: 'ok'; service: string; uptimeSeconds: number } {
    return {
      status: 'ok',
      service: this.config.service,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  @Get('ready')
  async ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; checks: object }> {
    const report = await this.readiness.evaluate();
    response.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: report.ready ? 'ready' : 'not ready', checks: report.checks };
  }
}
