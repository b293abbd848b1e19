import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform/kafka';
import { MonitorProvider } from './application/monitor.provider';

/**
 * The monitor service: windows of live encounters, predictions and labelled predictions,
 * compared with the champion's reference profile and holdout metrics; DriftDetected on ml.drift
 * when a window departs from them.
 */
@Module({
  imports: [EventsModule.register({ produces: ['DriftDetected'] })],
  providers: [MonitorProvider],
  exports: [MonitorProvider],
})
export class MonitorModule {}
