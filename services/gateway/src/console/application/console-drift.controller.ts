import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { JsonResponse, type AnswerOf } from '@readmit/platform/openapi';
import { driftTimeline } from '../domain/drift-timeline';
import { ConsoleFeed } from '../infrastructure/console-feed';
import { driftAnswer } from './console-answers';

/** `/console/api/drift`: per-feature PSI over the alerting windows, and each alert's retraining. */
@ApiTags('console')
@RequireRole('read')
@Controller('console/api/drift')
export class ConsoleDriftController {
  constructor(@Inject(ConsoleFeed) private readonly feed: ConsoleFeed) {}

  @Get()
  @ApiOperation({ summary: 'Drift: PSI per feature over the alerting windows, and each alert' })
  @JsonResponse(200, 'The PSI series and the alerts with the retraining each caused.', driftAnswer)
  async drift(): Promise<AnswerOf<typeof driftAnswer>> {
    await this.feed.ensureStarted();
    return driftTimeline(this.feed.driftAlerts(), this.feed.trainingRuns());
  }
}
