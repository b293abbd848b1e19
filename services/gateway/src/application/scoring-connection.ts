import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type {
  FeatureRows,
  PredictReply,
  RequiredModel,
  ScoredEncounter,
  ServedModelDescription,
} from '@readmit/contracts';
import type { Logger } from '@readmit/platform/logging';
import { LOGGER, PLATFORM_CONFIG, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import type { CallerEncounter } from '../domain/encounter-input';
import type { GatewayEnv } from '../gateway.config';
import { GatewayMetrics } from '../infrastructure/gateway-metrics';
import { ScoringClient, ScoringUnavailableError } from '../infrastructure/scoring-client';

/** A prediction as the caller hears it: named by the caller's own encounter id. */
export type AnsweredPrediction = Omit<ScoredEncounter, 'encounter_id'> & {
  readonly encounter_id: number;
};

export type Scored = Omit<Extract<PredictReply, { ok: true }>, 'predictions'> & {
  readonly predictions: readonly AnsweredPrediction[];
};

/**
 * Why a prediction could not be made, as the client should hear it: unavailable (retry later),
 * invalid (scoring refused the request), not_served (the model or version asked for is not what
 * serves).
 */
export type ScoringFailure = {
  readonly kind: 'unavailable' | 'invalid' | 'not_served';
  readonly message: string;
};

export type ScoringOutcome =
  | { readonly ok: true; readonly scored: Scored }
  | { readonly ok: false; readonly failure: ScoringFailure };

/** Feature rows scored: one prediction per row, in row order, named by the row's pseudonym. */
export type FeatureRowsOutcome =
  | { readonly ok: true; readonly scored: Extract<PredictReply, { ok: true }> }
  | { readonly ok: false; readonly failure: ScoringFailure };

export type DescribeOutcome =
  | { readonly ok: true; readonly model: ServedModelDescription }
  | { readonly ok: false; readonly failure: ScoringFailure };

/**
 * Reads a scoring reply: scored, or a failure the caller may retry (unavailable) or not. Scoring
 * names predictions by pseudonym; each is answered under the caller's own id again.
 */
export function outcomeOf(
  reply: PredictReply,
  encounters: readonly CallerEncounter[],
): ScoringOutcome {
  if (!reply.ok) return { ok: false, failure: { kind: reply.error, message: reply.message } };
  const callerIds = new Map(
    encounters.map(({ encounter, callerEncounterId }) => [
      encounter.encounter_id,
      callerEncounterId,
    ]),
  );
  const predictions = reply.predictions.map(({ encounter_id: pseudonym, ...prediction }) => {
    const callerId = callerIds.get(pseudonym);
    if (callerId === undefined)
      throw new Error('scoring answered for an encounter that was not asked for');
    return { ...prediction, encounter_id: callerId };
  });
  return { ok: true, scored: { ...reply, predictions } };
}

/** Reads a scoring reply to feature rows: their predictions must come back in row order. */
export function featureRowsOutcomeOf(reply: PredictReply, rows: FeatureRows): FeatureRowsOutcome {
  if (!reply.ok) return { ok: false, failure: { kind: reply.error, message: reply.message } };
  const inOrder =
    reply.predictions.length === rows.ids.length &&
    reply.predictions.every(
      (prediction, row) => prediction.encounter_id === rows.ids[row].encounter_id,
    );
  if (!inOrder) throw new Error('scoring did not answer the feature rows in their order');
  return { ok: true, scored: reply };
}

/**
 * The gateway's connection to the scoring service: connects at start-up (the reply partitions
 * assigned before the first request), reports it on `/ready`, and times each round trip.
 */
@Injectable()
export class ScoringConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly client: ScoringClient;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(SERVICE_CONFIG) env: GatewayEnv,
    @Inject(ReadinessRegistry) readiness: ReadinessRegistry,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.client = new ScoringClient({
      brokers: config.kafka.brokers,
      security: config.kafka.security,
      clientId: `${config.kafka.clientId}-rpc`,
      topicPrefix: config.kafka.topicPrefix,
      instanceId: env.READMIT_INSTANCE_ID,
      timeoutMs: env.READMIT_SCORING_TIMEOUT_MS,
      onReconnect: (error, delayMs) =>
        logger.error(
          { reason: error.message, reconnectInMs: delayMs },
          'scoring reply consumer crashed; reconnecting',
        ),
    });
    readiness.register('scoring', async () => this.client.assertReady());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /**
   * Scores the encounters by their pseudonyms: no clear id leaves the gateway. With `model`, only
   * that model (and version) may score them.
   */
  predict(
    encounters: readonly CallerEncounter[],
    explain: boolean,
    requestId: string,
    model?: RequiredModel,
  ): Promise<ScoringOutcome> {
    return this.timed(
      '',
      () =>
        this.client.predict(
          { encounters: encounters.map(({ encounter }) => encounter), explain, model },
          requestId,
        ),
      (reply) => outcomeOf(reply, encounters),
    );
  }

  /** Scores rows of already encoded features with `model` (see FeatureRows). */
  predictFeatures(
    rows: FeatureRows,
    requestId: string,
    model: RequiredModel,
  ): Promise<FeatureRowsOutcome> {
    return this.timed(
      '',
      () =>
        this.client.predict({ encounters: [], features: rows, explain: false, model }, requestId),
      (reply) => featureRowsOutcomeOf(reply, rows),
    );
  }

  /** Which model scoring serves now; its round trips are timed as `describe_<outcome>`. */
  describe(): Promise<DescribeOutcome> {
    return this.timed(
      'describe_',
      () => this.client.describe(),
      (reply): DescribeOutcome =>
        reply.ok ? reply : { ok: false, failure: { kind: reply.error, message: reply.message } },
    );
  }

  /** One round trip, timed by its outcome; no reply in time is a failure the caller may retry. */
  private async timed<Reply, Outcome extends { ok: true } | { ok: false; failure: ScoringFailure }>(
    label: string,
    send: () => Promise<Reply>,
    read: (reply: Reply) => Outcome,
  ): Promise<Outcome | { ok: false; failure: ScoringFailure }> {
    const stopTimer = this.metrics.scoringSeconds.startTimer();
    try {
      const outcome = read(await send());
      stopTimer({ outcome: `${label}${outcome.ok ? 'ok' : outcome.failure.kind}` });
      return outcome;
    } catch (error) {
      if (!(error instanceof ScoringUnavailableError)) throw error;
      stopTimer({ outcome: `${label}no_reply` });
      return { ok: false, failure: { kind: 'unavailable', message: error.message } };
    }
  }
}
