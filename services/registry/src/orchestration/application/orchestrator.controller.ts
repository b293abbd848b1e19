import { Controller, Get, Inject } from '@nestjs/common';
import { RequireRole } from '@readmit/platform/auth';
import { RetrainingOrchestratorProvider } from './orchestrator.provider';
import type { OrchestratorStatus } from './retraining-orchestrator';

/** Whether this instance is the active retraining orchestrator or a standby, and its state. */
@RequireRole('read')
@Controller('v1/orchestrator')
export class OrchestratorController {
  constructor(
    @Inject(RetrainingOrchestratorProvider)
    private readonly provider: RetrainingOrchestratorProvider,
  ) {}

  @Get()
  status():
    | ({ readonly enabled: true } & OrchestratorStatus)
    | {
        readonly enabled: false;
        readonly modelName: string;
      } {
    const orchestrator = this.provider.orchestrator;
    if (!orchestrator) return { enabled: false, modelName: this.provider.modelName };
    return { enabled: true, ...orchestrator.status() };
  }
}
