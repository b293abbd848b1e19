import type {
  ChampionEvaluation,
  PromotionCriterion,
  SubgroupMetrics,
  TrainingLineage,
} from '@readmit/contracts';
import type { Stage } from '../../domain/registry-state';

/**
 * One model version (registry_versions): its stage, and what its training run reported. The
 * training columns are null until the version's TrainingCompleted is projected (a decision about
 * it may be read first: the two come from different topics).
 */
export interface ModelVersionRecord {
  readonly modelName: string;
  readonly version: string;
  readonly stage: Stage;
  readonly stageChangedAt: Date | null;
  readonly runId: string | null;
  readonly algorithm: string | null;
  readonly params: Record<string, string> | null;
  readonly artifactUri: string | null;
  readonly artifactSha256: string | null;
  readonly featureSpecVersion: string | null;
  readonly threshold: number | null;
  readonly metrics: Record<string, number> | null;
  readonly subgroupMetrics: SubgroupMetrics[] | null;
  readonly lineage: TrainingLineage | null;
  readonly championEvaluation: ChampionEvaluation | null;
  readonly trainingDurationMs: number | null;
  readonly registeredAt: Date | null;
}

export type DecisionRowKind = 'promoted' | 'rejected' | 'rolled-back' | 'challenger';

/**
 * One decision on ml.models (registry_decisions), whether it applied or not (decided against a
 * state that had changed, or repeated): `applied` says which.
 */
export interface ModelDecisionRecord {
  readonly eventId: string;
  readonly modelName: string;
  /** The version the decision is about (for a rollback, the version rolled back to). */
  readonly version: string;
  readonly kind: DecisionRowKind;
  /** The champion (or challenger) it was decided against; for a rollback, the version left. */
  readonly previousVersion: string | null;
  readonly mode: 'AUTOMATIC' | 'MANUAL' | null;
  readonly decidedBy: string;
  readonly reason: string;
  readonly criteria: PromotionCriterion[];
  readonly applied: boolean;
  readonly decidedAt: Date;
  /** Position in ml.models (one partition): the order decisions were made in. */
  readonly logOffset: number;
}

/**
 * What one event of the registry read model changes: the rows of every version of its model
 * (a decision moves the champion and challenger, which are found across them) and, for a
 * decision, the row that records it (null until recorded).
 */
export interface ModelRows {
  readonly versions: readonly ModelVersionRecord[];
  readonly decision: ModelDecisionRecord | null;
}

/** Where a ModelRows is: the model, and the event id a decision row would have. */
export interface ModelRowsKey {
  readonly modelName: string;
  readonly eventId: string;
}
