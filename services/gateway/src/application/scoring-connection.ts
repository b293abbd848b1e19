import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EncounterToScore, PredictReply } from '@readmit/contracts';
import type { Logger } from '@readmit/platform/logging';
import { LOGGER, PLATFORM_CONFIG, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import { ReadinessRegistry } from '@readmit/platform/health';
import type { GatewayEnv } from '../gateway.config';
import { GatewayMetrics } from '../infrastructure/gateway-metrics';
import { ScoringClient, ScoringUnavailableError } from '../infrastructure/scoring-client';

export type Scored = Extract<PredictReply, { ok: true }>;

/** Why a prediction could not be made, as the client should hear it. */
export type ScoringFailure =
  | { readonly kind: 'unavailable'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

export type ScoringOutcome =
  | { readonly ok: true; readonly scored: Scored }
  | { readonly ok: false; readonly failure: ScoringFailure };

/** Reads a scoring reply: scored, or a failure the caller may retry (unavailable) or not. */
export function outcomeOf(reply: PredictReply): ScoringOutcome {
  if (reply.ok) return { ok: true, scored: reply };
  return { ok: false, failure: { kind: reply.error, message: reply.message } };
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

  async predict(
    encounters: readonly EncounterToScore[],
    explain: boolean,
    requestId: string,
  ): Promise<ScoringOutcome> {
    const stopTimer = this.metrics.scoringSeconds.startTimer();
    try {
      const outcome = outcomeOf(await this.client.predict({ encounters, explain }, requestId));
      stopTimer({ outcome: outcome.ok ? 'ok' : outcome.failure.kind });
      return outcome;
    } catch (error) {
      if (!(error instanceof ScoringUnavailableError)) throw error;
      stopTimer({ outcome: 'no_reply' });
      return { ok: false, failure: { kind: 'unavailable', message: error.message } };
    }
  }
}
