import type { EncounterRecorded, FeatureContribution } from './generated/events';

/**
 * Synchronous scoring over Kafka request-reply (the gateway's REST predictions): JSON messages on
 * RPC_TOPICS.scoringRequests, answered on its `.reply` topic. Not events: nothing is replayed
 * from them; each answered prediction is also published as a PredictionMade event.
 */

/** An encounter's model inputs: an EncounterRecorded without envelope and provenance. */
export type EncounterToScore = Omit<EncounterRecorded, 'envelope' | 'recordedAt' | 'source'>;

export interface PredictRequest {
  /** Names the request in logs and in the PredictionMade events' correlation id. */
  readonly requestId: string;
  readonly encounters: readonly EncounterToScore[];
  /** Top contributing features per prediction. */
  readonly explain: boolean;
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
      /** unavailable: no champion yet or a dependency down (retry later); invalid: a bad request. */
      readonly error: 'unavailable' | 'invalid';
      readonly message: string;
    };
