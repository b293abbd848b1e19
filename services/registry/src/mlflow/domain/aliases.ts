import type { PromotionCriterion } from '@readmit/contracts';
import { invalidParameter, MlflowRequestError } from './mlflow-error';
import { isReadmitAlias, READMIT_ALIASES, type ReadmitAlias } from './stages';
import type { NumberedVersion } from './version-numbers';

/**
 * The alias an MLflow client sets or deletes, if Readmit has it. Readmit's aliases are its two
 * serving roles, decided on the log by the registry; a free label (`staging`, `best`) would be
 * state of the MLflow view alone, which Readmit does not keep, so it is refused.
 */
export function readmitAlias(alias: string): ReadmitAlias {
  if (isReadmitAlias(alias)) return alias;
  throw invalidParameter(
    `Readmit's registry has the aliases ${READMIT_ALIASES.join(' and ')} only: they are its serving state on the log (ml.models), decided by its promotion policy. '${alias}' is not part of that state and cannot be set or deleted.`,
  );
}

/** A version named in messages: `3 (Readmit 20261123T101500-1a2b3c4d)`. */
export function describeVersion(version: Pick<NumberedVersion, 'number' | 'version'>): string {
  return `${version.number} (Readmit ${version.version})`;
}

/**
 * What deleting an alias does. Nothing when no version holds it (as MLflow, deleting what is
 * not there succeeds); otherwise it is refused, because no event takes a serving role away
 * without a decision: the champion goes only by a rollback or another promotion, the challenger
 * by a rejection or another challenger.
 */
export function aliasDeletion(
  modelName: string,
  alias: ReadmitAlias,
  holder: NumberedVersion | undefined,
): MlflowRequestError | undefined {
  if (holder === undefined) return undefined;
  if (alias === 'champion')
    return new MlflowRequestError(
      'RESOURCE_CONFLICT',
      `Readmit does not delete the champion alias of ${modelName}: version ${describeVersion(holder)} serves until another takes its place. Roll back with POST /v1/models/${modelName}/rollback (\`readmit models rollback\`, role operate), or set the champion alias on another version (judged by the promotion policy).`,
    );
  return new MlflowRequestError(
    'RESOURCE_CONFLICT',
    `Readmit does not delete the challenger alias of ${modelName}: taking version ${describeVersion(holder)} out of shadow scoring is a decision. Reject it with POST /v1/models/${modelName}/versions/${holder.version}/reject (role operate), or set the challenger alias on another version.`,
  );
}

/** A failed rule with its values: `holdout_auc_margin (candidate 0.6, champion 0.66, threshold 0.005)`. */
export function describeCriterion(criterion: PromotionCriterion): string {
  const values = [
    criterion.candidate === null ? undefined : `candidate ${criterion.candidate}`,
    criterion.champion === null ? undefined : `champion ${criterion.champion}`,
    criterion.threshold === null ? undefined : `threshold ${criterion.threshold}`,
    criterion.detail ?? undefined,
  ].filter((value): value is string => value !== undefined);
  return values.length === 0 ? criterion.name : `${criterion.name} (${values.join(', ')})`;
}

/**
 * The registry refused a command an alias asked for (the promotion policy said no, the artifact
 * does not verify, the version is the champion): RESOURCE_CONFLICT, with the rules that failed.
 * Nothing moved; MLflow has no force, so the way to override the policy is named.
 */
export function refusedByRegistry(
  modelName: string,
  alias: ReadmitAlias,
  version: NumberedVersion,
  reason: string,
  criteria: readonly PromotionCriterion[],
): MlflowRequestError {
  const failed = criteria.filter((criterion) => !criterion.passed).map(describeCriterion);
  const rules = failed.length > 0 ? `; failed: ${failed.join('; ')}` : '';
  const override =
    alias === 'champion'
      ? ` Nothing changed. A person may override the policy with POST /v1/models/${modelName}/versions/${version.version}/promote and {"force": true} (role operate).`
      : ' Nothing changed.';
  return new MlflowRequestError(
    'RESOURCE_CONFLICT',
    `Readmit's registry refuses ${alias} for ${modelName} version ${describeVersion(version)}: ${reason}${rules}.${override}`,
  );
}
