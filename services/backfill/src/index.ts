// The backfill service's public entry (@readmit/backfill): what the CLI's `backfill` and
// `backfill compare` commands may call. Other services never import it (eslint.config.mjs).
export { BackfillMetrics } from './application/backfill-metrics';
export { BackfillRun } from './application/backfill-run';
export type { BackfillState } from './domain/backfill-state';
export { reusableBackfill } from './domain/reusable-backfill';
export {
  compareVersions,
  type VersionComparison,
  type VersionScores,
} from './domain/version-comparison';
export { readBackfills } from './infrastructure/backfill-log';
export {
  readBackfillComparisonInputs,
  type BackfillPredictions,
} from './infrastructure/backfill-predictions';
export { encounterRangesOf } from './infrastructure/encounter-ranges';
export { modelTargetOf } from './infrastructure/model-target';
export { resolveModelVersion } from './infrastructure/model-versions';
export { PREDICTION_TABLE, PredictionTable } from './infrastructure/prediction-table';
