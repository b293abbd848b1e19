import type { ModelVersionRecord } from '../../projections/registry/registry-rows';

/**
 * What the MLflow view reads of a version: its registry_versions row, without the subgroup
 * metrics and the champion evaluation (MLflow has no place for them; /v1 serves them).
 */
export type VersionRow = Omit<ModelVersionRecord, 'subgroupMetrics' | 'championEvaluation'>;

/** The first decision that names a version, by its position in ml.models (registry_decisions). */
export interface FirstDecision {
  readonly modelName: string;
  readonly version: string;
  readonly logOffset: number;
}

/** A version with its MLflow version number. */
export interface NumberedVersion extends VersionRow {
  /** MLflow's version: 1, 2, … per model, in the order the registry first decided on them. */
  readonly number: number;
}

/**
 * MLflow's version numbers ("1", "2", …) for Readmit's version ids, derived from the log so that
 * they never change and every rebuild of the projection gives the same ones.
 *
 * Why the decision log and not the training completions: ml.training has three partitions keyed
 * by run id, so the completions of one model have no order on the log (the live projection
 * applies them in whatever order it consumes the partitions, a rebuild in another). ml.models
 * holds every decision about a model in one partition (keyed by model name) in the order the
 * registry made them, and the registry judges every version as soon as it is trained. So a
 * model's versions are numbered by the offset of the first decision naming them: the nth version
 * the registry decided on is version n. A new version's first decision comes after all earlier
 * ones, so the numbers already given never change. A version not decided yet (the moment
 * between its TrainingCompleted and the registry's verdict) has no number and is not shown.
 *
 * Returns each model's numbered versions, oldest first.
 */
export function numberVersions(
  rows: readonly VersionRow[],
  firstDecisions: readonly FirstDecision[],
): Map<string, NumberedVersion[]> {
  const firstOffset = new Map<string, number>();
  for (const decision of firstDecisions) {
    const key = keyOf(decision.modelName, decision.version);
    const known = firstOffset.get(key);
    if (known === undefined || decision.logOffset < known) firstOffset.set(key, decision.logOffset);
  }
  const decided = new Map<string, Array<{ row: VersionRow; offset: number }>>();
  for (const row of rows) {
    const offset = firstOffset.get(keyOf(row.modelName, row.version));
    if (offset === undefined) continue;
    const model = decided.get(row.modelName) ?? [];
    model.push({ row, offset });
    decided.set(row.modelName, model);
  }
  const numbered = new Map<string, NumberedVersion[]>();
  for (const [modelName, versions] of decided) {
    // One decision names one version, so two versions never share an offset; the id breaks a
    // tie only if a corrupt table had one.
    versions.sort((a, b) => a.offset - b.offset || compareText(a.row.version, b.row.version));
    numbered.set(
      modelName,
      versions.map(({ row }, index) => ({ ...row, number: index + 1 })),
    );
  }
  return numbered;
}

/** The version with MLflow number `version` ("3"); undefined for an unknown or malformed one. */
export function versionByNumber(
  versions: readonly NumberedVersion[],
  version: string,
): NumberedVersion | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(version)) return undefined;
  return versions.find((candidate) => candidate.number === Number(version));
}

const keyOf = (modelName: string, version: string) => `${modelName}\u0000${version}`;

/** Code-point order, the same on every machine (no locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
