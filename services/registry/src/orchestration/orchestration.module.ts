import { Module } from '@nestjs/common';
import { OrchestratorController } from './application/orchestrator.controller';
import { RetrainingOrchestratorProvider } from './application/orchestrator.provider';

/**
 * The retraining orchestrator (DESIGN.md: may live in registry or trainer): BatchArrived and
 * DriftDetected in, TrainingRequested out, by the retraining policy. Needs the EventsModule of
 * the service it joins to produce TrainingRequested.
 */
@Module({
  controllers: [OrchestratorController],
  providers: [RetrainingOrchestratorProvider],
})
export class OrchestrationModule {}
