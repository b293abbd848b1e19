import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform/kafka';
import { ScoringProvider } from './application/scoring.provider';

/**
 * The scoring service: scores patient.encounters with the champion (and the challenger, in
 * shadow) exactly once, and swaps models as the registry decides, without stopping.
 */
@Module({
  imports: [EventsModule.register({ produces: ['PredictionMade'] })],
  providers: [ScoringProvider],
  exports: [ScoringProvider],
})
export class ScoringModule {}
