import { Controller, Get, Inject, Sse, type MessageEvent } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RequireRole } from '@readmit/platform/auth';
import { concat, defer, map, of, type Observable } from 'rxjs';
import { ConsoleFeed, type LiveState } from '../infrastructure/console-feed';

/**
 * `/console/api/live`: encounters and predictions per second, consumer lag and the recent score
 * distribution; `/console/api/live/stream` pushes them every second as server-sent events
 * (the whole state first, then each new sample with the current distribution).
 */
@ApiExcludeController()
@RequireRole('read')
@Controller('console/api/live')
export class ConsoleLiveController {
  constructor(@Inject(ConsoleFeed) private readonly feed: ConsoleFeed) {}

  @Get()
  async live(): Promise<LiveState> {
    await this.feed.ensureStarted();
    return this.feed.live();
  }

  @Sse('stream')
  stream(): Observable<MessageEvent> {
    void this.feed.ensureStarted();
    return concat(
      defer(() => of({ type: 'state', data: this.feed.live() })),
      this.feed.samples.pipe(
        map((sample) => {
          const { scores, predictionsRead } = this.feed.live();
          return { type: 'sample', data: { sample, scores, predictionsRead } };
        }),
      ),
    );
  }
}
