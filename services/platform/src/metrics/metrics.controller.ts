import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { PublicRoute } from '../auth/route-policy';
import { METRICS_REGISTRY } from '../bootstrap/platform.tokens';

/**
 * Prometheus scrape endpoint. Open, like the probes: counters and timings only, no identifiers;
 * keep it off the public network (docs/security.md).
 */
@PublicRoute()
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
