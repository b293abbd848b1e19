import type { Stage } from '../../domain/registry-state';
import { invalidParameter } from './mlflow-error';
import type { NumberedVersion } from './version-numbers';

/** MLflow's legacy model version stages (deprecated in MLflow 2.9, still read by its clients). */
export const MLFLOW_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type MlflowStage = (typeof MLFLOW_STAGES)[number];

/**
 * Readmit's stage as MLflow's: the champion serves (Production), the challenger is
 * shadow-scored beside it (Staging), a candidate awaits a decision or went back to waiting when
 * another challenger replaced it (None), and versions that served before or were rejected are
 * out of use (Archived; the `readmit.stage` tag tells the two apart).
 */
export function mlflowStageOf(stage: Stage): MlflowStage {
  switch (stage) {
    case 'champion':
      return 'Production';
    case 'challenger':
      return 'Staging';
    case 'candidate':
      return 'None';
    case 'archived':
    case 'rejected':
      return 'Archived';
    default: {
      const unknown: never = stage;
      throw new Error(`unknown stage ${String(unknown)}`);
    }
  }
}

/** A stage as a client spells it (`production`, `NONE`), as MLflow's own server accepts it. */
export function parseMlflowStage(text: string): MlflowStage {
  const stage = MLFLOW_STAGES.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
  if (stage === undefined)
    throw invalidParameter(
      `Invalid Model Version stage: ${text}. Value must be one of ${MLFLOW_STAGES.join(', ')}.`,
    );
  return stage;
}

/**
 * MLflow's get-latest-versions: for each stage asked (all four when none is), the version of
 * that stage with the highest number; stages without a version are left out. In MLflow's order
 * of stages, as its stores answer.
 */
export function latestVersions(
  versions: readonly NumberedVersion[],
  stages: readonly MlflowStage[] = MLFLOW_STAGES,
): NumberedVersion[] {
  const latest: NumberedVersion[] = [];
  for (const stage of MLFLOW_STAGES) {
    if (!stages.includes(stage)) continue;
    const inStage = versions.filter((version) => mlflowStageOf(version.stage) === stage);
    if (inStage.length > 0) latest.push(inStage.reduce((a, b) => (b.number > a.number ? b : a)));
  }
  return latest;
}

/**
 * The aliases Readmit has: its two serving roles. They are not labels stored beside the model
 * but the registry's state on the log, so they cannot be named freely.
 */
export const READMIT_ALIASES = ['champion', 'challenger'] as const;
export type ReadmitAlias = (typeof READMIT_ALIASES)[number];

export function isReadmitAlias(alias: string): alias is ReadmitAlias {
  return (READMIT_ALIASES as readonly string[]).includes(alias);
}

/** The alias a version holds by its stage. */
export function aliasesOf(stage: Stage): ReadmitAlias[] {
  if (stage === 'champion') return ['champion'];
  if (stage === 'challenger') return ['challenger'];
  return [];
}

/** A registered model's aliases, champion first: `[{ alias, version }]` with MLflow numbers. */
export function modelAliases(
  versions: readonly NumberedVersion[],
): Array<{ alias: ReadmitAlias; version: string }> {
  return versions
    .flatMap((version) =>
      aliasesOf(version.stage).map((alias) => ({ alias, version: String(version.number) })),
    )
    .sort((a, b) => READMIT_ALIASES.indexOf(a.alias) - READMIT_ALIASES.indexOf(b.alias));
}

/** The version holding an alias, if any. */
export function versionWithAlias(
  versions: readonly NumberedVersion[],
  alias: ReadmitAlias,
): NumberedVersion | undefined {
  return versions.find((version) => aliasesOf(version.stage).includes(alias));
}
