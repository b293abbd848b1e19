import type { INestApplication } from '@nestjs/common';
import { RPC_TOPICS, TOPICS } from '@readmit/contracts';
import { scoringEnvSchema } from '../../services/scoring/src/scoring.config';
import { ScoringModule } from '../../services/scoring/src/scoring.module';
import { uniqueName } from './endpoints';
import type { ServiceStarter } from './service-starter';

/** The topics an in-process scoring service needs: its stream, its models and request-reply. */
export const SCORING_TOPICS = [
  TOPICS.encounters,
  TOPICS.predictions,
  TOPICS.shadowPredictions,
  TOPICS.models,
  RPC_TOPICS.scoringRequests,
  RPC_TOPICS.scoringReplies,
] as const;

/**
 * Starts a scoring instance of its own (a fresh READMIT_INSTANCE_ID) that loads its models from
 * the filesystem object store at `root`; `env` adds to or overrides its variables.
 */
export function startScoringService(
  services: ServiceStarter,
  root: string,
  env: Readonly<Record<string, string>> = {},
): Promise<INestApplication> {
  return services.start(
    { name: 'scoring', envSchema: scoringEnvSchema, module: ScoringModule },
    { READMIT_OBJECT_STORE_ROOT: root, READMIT_INSTANCE_ID: uniqueName('scoring'), ...env },
  );
}
