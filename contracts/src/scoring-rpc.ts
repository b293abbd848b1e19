import type { EncounterRecorded, FeatureContribution } from './generated/events';

/**
 * Synchronous scoring over Kafka request-reply (the gateway's REST predictions): JSON messages on
 * RPC_TOPICS.scoringRequests, answered on its `.reply` topic. Not events: nothing is replayed
 * from them; each answered prediction is also published as a PredictionMade event.
 */

/** An encounter's model inputs: an EncounterRecorded without envelope and provenance. */
export type EncounterToScore = Omit<EncounterRecorded, 'envelope' | 'recordedAt' | 'source'>;

/** The pseudonyms a prediction is recorded under (its PredictionMade's encounter_id and patient_nbr). */
export interface PredictionIds {
  readonly encounter_id: string;
  readonly patient_nbr: string;
}

/**
 * Rows of features already encoded in the serving model's feature order (the Open Inference
 * Protocol's feature tensor), scored in place of encounters. No encounter stands behind a row:
 * the gateway names each by pseudonyms of its own making (docs/scoring.md, "Feature tensors").
 */
export interface FeatureRows {
  /** One per row, in row order. */
  readonly ids: readonly PredictionIds[];
  /** Features per row: must be the serving model's feature count. */
  readonly columns: number;
  /** `ids.length × columns` values, row after row. */
  readonly values: readonly number[];
}

/** The model a request must be scored by: anything else is answered `not_served`, unscored. */
export interface RequiredModel {
  readonly name: string;
  /** Absent: whichever version is the champion. */
  readonly version?: string;
}

export interface PredictRequest {
  /** Names the request in logs and in the PredictionMade events' correlation id. */
  readonly requestId: string;
  /** Empty when `features` are sent instead. */
  readonly encounters: readonly EncounterToScore[];
  /** Top contributing features per prediction. */
  readonly explain: boolean;
  /** Scored only by this model; absent, by whichever champion serves. */
  readonly model?: RequiredModel;
  /** Encoded features in place of encounters (then `encounters` is empty). */
  readonly features?: FeatureRows;
}

/**
 * Asks which model scoring serves, without scoring anything: the gateway's Open Inference
 * Protocol metadata and readiness. Told apart from a PredictRequest by `describe`.
 */
export interface DescribeRequest {
  readonly requestId: string;
  readonly describe: true;
}

export type ScoringRequest = PredictRequest | DescribeRequest;

export function isDescribeRequest(request: unknown): request is DescribeRequest {
  return (request as Partial<DescribeRequest> | null)?.describe === true;
}

export interface ScoredEncounter {
  readonly encounter_id: string;
  readonly score: number;
  readonly label: boolean;
  readonly threshold: number;
  readonly contributions: readonly FeatureContribution[] | null;
}

export type PredictReply =
  | {
      readonly ok: true;
      readonly modelName: string;
      readonly modelVersion: string;
      readonly predictions: readonly ScoredEncounter[];
      /** Time in the scoring service, from receiving the request to replying. */
      readonly latencyMs: number;
    }
  | {
      readonly ok: false;
      /**
       * unavailable: no champion yet or a dependency down (retry later); invalid: a bad request;
       * not_served: the request's `model` is not what serves (another name, not the champion).
       */
      readonly error: 'unavailable' | 'invalid' | 'not_served';
      readonly message: string;
    };

/** The model scoring serves now, as a client needs to know it to call it. */
export interface ServedModelDescription {
  readonly modelName: string;
  /** The champion's version. */
  readonly modelVersion: string;
  readonly threshold: number;
  /** The model's input features, in the order of a feature row (FeatureRows). */
  readonly featureNames: readonly string[];
}

export type DescribeReply =
  | { readonly ok: true; readonly model: ServedModelDescription }
  | { readonly ok: false; readonly error: 'unavailable'; readonly message: string };

export type ScoringReply = PredictReply | DescribeReply;
