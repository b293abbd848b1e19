import {
  isPseudonym,
  type DescribeReply,
  type FeatureRows,
  type PredictionIds,
  type PredictReply,
  type PredictRequest,
} from '@readmit/contracts';
import type { DenseMatrix, FeatureEncoder } from '@readmit/ml';

/**
 * The pure steps of answering a synchronous request: which requests are refused and why, what
 * a description of the serving model says, and the one feature matrix the accepted requests are
 * scored from. The model session and Kafka stay in PredictionServer.
 */

/** What of the serving champion these steps read (a LoadedModel has it). */
export interface ServingChampion {
  readonly modelName: string;
  readonly version: string;
  readonly threshold: number;
  readonly encoder: FeatureEncoder;
}

const unavailable = (message: string): PredictReply => ({
  ok: false,
  error: 'unavailable',
  message,
});
const invalid = (message: string): PredictReply => ({ ok: false, error: 'invalid', message });

/** Which model serves, for the gateway's model metadata and readiness. */
export function describeServing(champion: ServingChampion | null): DescribeReply {
  if (!champion) return { ok: false, error: 'unavailable', message: NO_CHAMPION };
  return {
    ok: true,
    model: {
      modelName: champion.modelName,
      modelVersion: champion.version,
      threshold: champion.threshold,
      featureNames: champion.encoder.spec.featureNames,
    },
  };
}

const NO_CHAMPION = 'no champion model is serving yet';

/**
 * Why a prediction request is answered without being scored, or undefined when it is to be
 * scored. A request the model could not score (features of another width, clear ids) is refused
 * on its own rather than failing the model run and produce request it would share.
 */
export function refusalOf(
  data: unknown,
  champion: ServingChampion | null,
): PredictReply | undefined {
  if (!champion) return unavailable(NO_CHAMPION);
  const request = data as Partial<PredictRequest> | null;
  const model = request?.model;
  if (model && model.name !== champion.modelName)
    return {
      ok: false,
      error: 'not_served',
      message: `model '${model.name}' is not served here (${champion.modelName} is)`,
    };
  if (model?.version !== undefined && model.version !== champion.version)
    return {
      ok: false,
      error: 'not_served',
      message: `version '${model.version}' of ${champion.modelName} is not the champion (${champion.version} is)`,
    };
  if (request?.features !== undefined) return featureRowsProblem(request, champion);
  const encounters = request?.encounters;
  if (!Array.isArray(encounters) || encounters.length === 0)
    return invalid('the request has no encounters');
  if (!encounters.every((encounter) => hasPseudonyms(encounter)))
    return invalid('encounter and patient ids must be pseudonyms (the gateway makes them)');
  return undefined;
}

function featureRowsProblem(
  request: Partial<PredictRequest>,
  champion: ServingChampion,
): PredictReply | undefined {
  const rows = request.features as Partial<FeatureRows>;
  const width = champion.encoder.width;
  if (Array.isArray(request.encounters) && request.encounters.length > 0)
    return invalid('a request sends encounters or feature rows, not both');
  if (!Array.isArray(rows.ids) || rows.ids.length === 0)
    return invalid('the request has no feature rows');
  if (rows.columns !== width)
    return invalid(
      `${champion.modelName} ${champion.version} takes ${width} features per row (in the order of its model metadata), not ${String(rows.columns)}`,
    );
  if (!Array.isArray(rows.values) || rows.values.length !== rows.ids.length * width)
    return invalid(`${rows.ids.length} feature rows need ${rows.ids.length * width} values`);
  if (!rows.values.every((value) => typeof value === 'number' && Number.isFinite(value)))
    return invalid('every feature must be a finite number');
  if (!rows.ids.every((ids) => hasPseudonyms(ids)))
    return invalid('feature rows must be named by pseudonyms (the gateway makes them)');
  return undefined;
}

/**
 * The ids a request's predictions are recorded under must be pseudonyms, as the events written
 * from them must be.
 */
function hasPseudonyms(ids: Partial<PredictionIds> | null | undefined): boolean {
  return isPseudonym('encounter', ids?.encounter_id) && isPseudonym('patient', ids?.patient_nbr);
}

/** How many predictions a request accepted by refusalOf asks for. */
export function rowsOf(request: PredictRequest): number {
  return request.features ? request.features.ids.length : request.encounters.length;
}

/** The pseudonyms of a request's `row`-th prediction. */
export function idsOf(request: PredictRequest, row: number): PredictionIds {
  return request.features ? request.features.ids[row] : request.encounters[row];
}

/**
 * The feature matrix of requests accepted by refusalOf, in order: encounters encoded by the
 * champion's encoder, feature rows copied as they came (float32, as the model takes them).
 */
export function requestMatrix(
  encoder: FeatureEncoder,
  requests: readonly PredictRequest[],
): DenseMatrix {
  const columns = encoder.width;
  const rows = requests.reduce((total, request) => total + rowsOf(request), 0);
  const values = new Float32Array(rows * columns);
  let row = 0;
  for (const request of requests) {
    if (request.features) {
      values.set(request.features.values, row * columns);
      row += request.features.ids.length;
    } else
      for (const encounter of request.encounters)
        encoder.encodeInto(encounter, values, row++ * columns);
  }
  return { rows, columns, values };
}
