import { Module } from '@nestjs/common';
import { EventsModule } from '@readmit/platform/kafka';
import { DatasetsController } from './application/datasets.controller';
import { TrainingRunnerProvider } from './application/training-runner.provider';

/**
 * The trainer service: answers TrainingRequested with a model trained on the log as of the
 * request (TrainingCompleted, artifact in the object store) or TrainingFailed.
 */
@Module({
  imports: [EventsModule.register({ produces: ['TrainingCompleted', 'TrainingFailed'] })],
  controllers: [DatasetsController],
  providers: [TrainingRunnerProvider],
})
export class TrainerModule {}
