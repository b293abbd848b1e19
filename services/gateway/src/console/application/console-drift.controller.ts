import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { driftTimeline, type DriftTimeline } from '../domain/drift-timeline';
import { ConsoleFeed } from '../infrastructure/console-feed';

/** `/console/api/drift`: per-feature PSI over the alerting windows, and each alert's retraining. */
@ApiExcludeController()
@RequireRole('read')
@Controller('console/api/drift')
export class ConsoleDriftController {
  constructor(@Inject(ConsoleFeed) private readonly feed: ConsoleFeed) {}

  @Get()
  async drift(): Promise<DriftTimeline> {
    await this.feed.ensureStarted();
    return driftTimeline(this.feed.driftAlerts(), this.feed.trainingRuns());
  }
}
