import { EXAMPLE_EVENTS } from '@readmit/contracts';
import type { Stage } from '../../domain/registry-state';
import {
  numberVersions,
  type FirstDecision,
  type NumberedVersion,
  type VersionRow,
} from '../domain/version-numbers';

const training = EXAMPLE_EVENTS.TrainingCompleted;

/** A projected version row of `readmission`, trained by the trainer, in a stage. */
export function versionRow(
  version: string,
  stage: Stage = 'candidate',
  changes: Partial<VersionRow> = {},
): VersionRow {
  return {
    modelName: 'readmission',
    version,
    stage,
    stageChangedAt: new Date(Date.UTC(2026, 10, 23, 12)),
    runId: `run-${version}`,
    algorithm: 'gbdt',
    params: { eta: '0.1', depth: '4' },
    artifactUri: `file:///artifacts/models/readmission/${version}/model.onnx`,
    artifactSha256: 'ab'.repeat(32),
    featureSpecVersion: training.featureSpecVersion,
    threshold: 0.3,
    metrics: { roc_auc: 0.68, brier: 0.2 },
    lineage: training.lineage,
    trainingDurationMs: 1200,
    registeredAt: new Date(Date.UTC(2026, 10, 23, 10)),
    ...changes,
  };
}

export const firstDecision = (
  version: string,
  logOffset: number,
  modelName = 'readmission',
): FirstDecision => ({ modelName, version, logOffset });

/** Rows numbered in the order given (their first decisions at offsets 1, 2, …). */
export function numbered(...rows: VersionRow[]): NumberedVersion[] {
  const map = numberVersions(
    rows,
    rows.map((row, index) => firstDecision(row.version, index + 1, row.modelName)),
  );
  return [...map.values()].flat();
}
