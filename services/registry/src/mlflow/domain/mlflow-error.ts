/**
 * MLflow's error codes this view answers with: the names of MLflow's `ErrorCode` enum
 * (databricks.proto), which MLflow's clients turn back into `MlflowException.error_code`.
 */
export type MlflowErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_CONFLICT'
  | 'FEATURE_DISABLED'
  | 'ENDPOINT_NOT_FOUND'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/**
 * A request the MLflow view refuses, with the code an MLflow client will see. Pure code throws
 * it; the HTTP layer gives it its status and MLflow's body (`{"error_code", "message"}`).
 */
export class MlflowRequestError extends Error {
  constructor(
    readonly code: MlflowErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowRequestError';
  }
}

export const invalidParameter = (message: string) =>
  new MlflowRequestError('INVALID_PARAMETER_VALUE', message);

export const doesNotExist = (message: string) =>
  new MlflowRequestError('RESOURCE_DOES_NOT_EXIST', message);
