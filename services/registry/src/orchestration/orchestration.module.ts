import { Module } from '@nestjs/common';
import { OrchestratorController } from './application/orchestrator.controller';
import { RetrainingOrchestratorProvider } from './application/orchestrator.provider';

/**
 * The retraining orchestrator (docs/models.md, Retraining orchestrator; it runs in the registry
 * service): BatchArrived and DriftDetected in, TrainingRequested out, by the retraining policy.
 * Needs the EventsModule of the service it joins to produce TrainingRequested.
 */
@Module({
  controllers: [OrchestratorController],
  providers: [RetrainingOrchestratorProvider],
})
export class OrchestrationModule {}
