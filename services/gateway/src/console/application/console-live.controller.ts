import { Controller, Get, Inject, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { EventStreamResponse, JsonResponse, type AnswerOf } from '@readmit/platform/openapi';
import { concat, defer, map, of, type Observable } from 'rxjs';
import { ConsoleFeed } from '../infrastructure/console-feed';
import { liveAnswer, liveUpdateAnswer } from './console-answers';

/**
 * `/console/api/live`: encounters and predictions per second, consumer lag and the recent score
 * distribution; `/console/api/live/stream` pushes them every second as server-sent events
 * (the whole state first, then each new sample with the current distribution).
 */
@ApiTags('console')
@RequireRole('read')
@Controller('console/api/live')
export class ConsoleLiveController {
  constructor(@Inject(ConsoleFeed) private readonly feed: ConsoleFeed) {}

  @Get()
  @ApiOperation({ summary: 'Live rates, consumer lag and the recent score distribution' })
  @JsonResponse(200, 'The last samples (one a second) and the recent scores.', liveAnswer)
  async live(): Promise<AnswerOf<typeof liveAnswer>> {
    await this.feed.ensureStarted();
    return this.feed.live();
  }

  @Sse('stream')
  @ApiOperation({ summary: 'The live view as server-sent events' })
  @EventStreamResponse(
    'A `state` event with the whole state (ConsoleLiveState) first, then a `sample` event each second, whose data is described here.',
    liveUpdateAnswer,
  )
  stream(): Observable<MessageEvent> {
    void this.feed.ensureStarted();
    return concat(
      defer(() => of({ type: 'state', data: this.feed.live() })),
      this.feed.samples.pipe(
        map((sample) => {
          const { scores, predictionsRead } = this.feed.live();
          const data: AnswerOf<typeof liveUpdateAnswer> = { sample, scores, predictionsRead };
          return { type: 'sample', data };
        }),
      ),
    );
  }
}
