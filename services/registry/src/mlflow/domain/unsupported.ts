import { MlflowRequestError } from './mlflow-error';

/** MLflow's registry writes that Readmit does not take, by endpoint (after /api/2.0/mlflow/). */
export const UNSUPPORTED_WRITES = {
  'registered-models/create': 'registration',
  'registered-models/rename': 'registration',
  'registered-models/update': 'registration',
  'registered-models/delete': 'registration',
  'model-versions/create': 'registration',
  'model-versions/update': 'registration',
  'model-versions/delete': 'registration',
  'model-versions/transition-stage': 'stage',
  'registered-models/set-tag': 'tag',
  'registered-models/delete-tag': 'tag',
  'model-versions/set-tag': 'tag',
  'model-versions/delete-tag': 'tag',
} as const;

export type UnsupportedWrite = keyof typeof UNSUPPORTED_WRITES;

const WHY: Record<(typeof UNSUPPORTED_WRITES)[UnsupportedWrite], string> = {
  registration:
    "models and versions are registered by training runs on Readmit's log (TrainingCompleted on ml.training) and are never renamed, edited or deleted: the log keeps them",
  stage:
    'stages follow the registry\'s decisions on the log: set the alias "champion" (judged by the promotion policy, as a promotion) or "challenger" instead, or use /v1/models (promote, challenge, reject, rollback)',
  tag: "tags are derived from the log (what each version's TrainingCompleted reported and the decisions about it), so they cannot be set or deleted",
};

/**
 * FEATURE_DISABLED for a write the view does not take, saying why and what to do instead. The
 * endpoint as the request spelt it (routes match regardless of case and a trailing slash).
 */
export function unsupportedWrite(endpoint: string): MlflowRequestError {
  const named = endpoint.toLowerCase().replace(/\/+$/, '') as UnsupportedWrite;
  const why =
    named in UNSUPPORTED_WRITES
      ? WHY[UNSUPPORTED_WRITES[named]]
      : 'over MLflow it is read-only but for the champion and challenger aliases';
  return new MlflowRequestError(
    'FEATURE_DISABLED',
    `Readmit's registry does not take ${named}: ${why}.`,
  );
}

/** ENDPOINT_NOT_FOUND for the rest of MLflow's API (tracking: experiments, runs, traces, …). */
export function unknownEndpoint(method: string, path: string): MlflowRequestError {
  return new MlflowRequestError(
    'ENDPOINT_NOT_FOUND',
    `Readmit serves MLflow's Model Registry API (registered models, model versions, aliases) and mlflow-artifacts downloads only, not ${method} ${path}.`,
  );
}
