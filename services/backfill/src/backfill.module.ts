import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform/kafka';
import { BackfillProvider } from './application/backfill.provider';

/**
 * The backfill service: re-scores ranges of the encounter log with a model version, as
 * ml.backfills asks, exactly once and resumable (BackfillProgressed checkpoints).
 */
@Module({
  imports: [
    // PredictionMade is registered by the provider: the module would insist on its default
    // topic (patient.predictions), which a backfill never writes.
    EventsModule.register({ produces: ['BackfillProgressed', 'BackfillCompleted'] }),
  ],
  providers: [BackfillProvider],
  exports: [BackfillProvider],
})
export class BackfillModule {}
