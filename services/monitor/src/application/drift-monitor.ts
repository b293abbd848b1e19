import { TOPICS, type Envelope } from '@readmit/contracts';
import type { DriftThresholds, HoldoutMetrics } from '@readmit/ml';
import {
  InvalidEventError,
  LogPositions,
  newEnvelope,
  RetriableKafkaError,
  type EventConsumer,
  type MessageContext,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import type { Logger } from 'pino';
import { assessWindow, driftDetectedOf, whyOf } from '../domain/assess-window';
import type { WindowSettings } from '../domain/count-window';
import { DriftWindows, type DriftWindow, type WindowStep } from '../domain/drift-windows';
import type { MonitoredChampion } from '../infrastructure/champion-reference';
import type { MonitorMetrics } from './monitor-metrics';

/** Where DriftDetected events go: published, in order, at least once. */
export interface DriftPublisher {
  publishAll(events: readonly OutgoingEvent[]): Promise<unknown>;
}

export interface DriftMonitorOptions {
  readonly modelName: string;
  /** Names this service in the events it writes, e.g. monitor@0.1.0. */
  readonly producer: string;
  readonly window: WindowSettings;
  readonly maxPendingJoin: number;
  readonly thresholds: DriftThresholds;
}

/**
 * The monitor's loop: encounters, predictions and outcomes go into the champion's windows; each
 * full window is assessed against the champion's reference, and a drifting one becomes a
 * DriftDetected on ml.drift (keyed by model version), a stable or insufficient one an info line.
 * Window time is the envelope's occurredAt (every event has one; a prediction has no other), and
 * a labelled prediction counts at its prediction's time.
 *
 * At least once: a DriftDetected waits in an outbox until published; a failed publish is retried
 * in place with the same message, which is not windowed twice. Windows live in memory: after a
 * restart the group resumes from its committed offsets with empty windows. Within one process,
 * the group redelivers what it handled but could not commit (a consumer replaced after a broker
 * outage, a rebalance): those messages are already in the windows and are not counted again.
 */
export class DriftMonitor {
  private readonly windows: DriftWindows;
  private champion: MonitoredChampion | null = null;
  private readonly outbox: OutgoingEvent[] = [];
  /** How far each partition has been windowed: a retry or a redelivery only publishes. */
  private readonly windowedUpTo = new LogPositions();
  private droppedWithoutChampion = 0;

  constructor(
    private readonly consumer: Pick<EventConsumer, 'start' | 'whenJoined'>,
    private readonly publisher: DriftPublisher,
    private readonly holdoutOf: (version: string) => HoldoutMetrics | null,
    private readonly metrics: MonitorMetrics,
    private readonly logger: Logger,
    private readonly options: DriftMonitorOptions,
  ) {
    this.windows = new DriftWindows(options.modelName, options.window, options.maxPendingJoin);
  }

  /** Events counted and dropped while there was no champion. */
  get droppedBeforeChampion(): number {
    return this.droppedWithoutChampion;
  }

  get monitoredVersion(): string | null {
    return this.champion?.version ?? null;
  }

  /** A new champion: its reference from now on, and every window empty. */
  setChampion(champion: MonitoredChampion | null): void {
    this.champion = champion;
    this.windows.setChampion(champion);
  }

  start(): Promise<void> {
    return this.consumer.start({
      EncounterRecorded: (event, context) =>
        this.handle(context, TOPICS.encounters.name, () =>
          this.windows.addEncounter(event, event.envelope.occurredAt),
        ),
      PredictionMade: (event, context) =>
        this.handle(context, TOPICS.predictions.name, () =>
          this.windows.addPrediction({
            encounterId: event.encounter_id,
            modelName: event.modelName,
            modelVersion: event.modelVersion,
            score: event.score,
            time: event.envelope.occurredAt,
          }),
        ),
      OutcomeRecorded: (event, context) =>
        this.handle(context, TOPICS.outcomes.name, () =>
          this.windows.addOutcome({
            encounterId: event.encounter_id,
            readmitted: event.readmitted,
            derivation: event.derivation,
          }),
        ),
    });
  }

  whenJoined(): Promise<void> {
    return this.consumer.whenJoined();
  }

  /**
   * Windows one event (once, even when its handling is retried or the group redelivers it), then
   * publishes any drift.
   */
  async handle(context: MessageContext, topic: string, windowIt: () => WindowStep): Promise<void> {
    const { topic: from, partition, offset } = context;
    if (!this.windowedUpTo.handledBefore(from, partition, offset)) {
      this.windowedUpTo.handled(from, partition, offset);
      const step = windowIt();
      this.metrics.events.inc({ topic });
      if (step.rejected) throw new InvalidEventError(step.rejected);
      if (step.dropped) {
        this.metrics.dropped.inc({ topic, reason: step.dropped });
        if (step.dropped === 'no_champion') this.droppedWithoutChampion += 1;
      }
      this.metrics.unmatchedOutcomes.inc(step.evicted.outcomes);
      this.metrics.evictedPredictions.inc(step.evicted.predictions);
      for (const window of step.completed) this.conclude(window, context.envelope);
    }
    await this.flush();
  }

  private conclude(window: DriftWindow, cause: Envelope): void {
    const champion = this.champion;
    // Windows are emptied in the same synchronous step that changes the champion.
    if (champion?.version !== window.modelVersion)
      throw new Error(`a ${window.kind} window of ${window.modelVersion} outlived its champion`);
    const stopTimer = this.metrics.assessmentSeconds.startTimer({ kind: window.kind });
    const assessment = assessWindow(
      window,
      { profile: champion.reference, holdout: this.holdoutOf(window.modelVersion) },
      this.options.thresholds,
    );
    const seconds = stopTimer();
    this.metrics.windows.inc({ kind: window.kind, verdict: assessment.verdict });
    const fields = {
      kind: window.kind,
      modelVersion: window.modelVersion,
      verdict: assessment.verdict,
      windowSize: assessment.windowSize,
      windowStart: new Date(window.window.start).toISOString(),
      windowEnd: new Date(window.window.end).toISOString(),
      why: whyOf(assessment),
      assessmentMs: Math.round(seconds * 10_000) / 10,
    };
    if (assessment.verdict === 'insufficient') {
      this.logger.info(fields, `${window.kind} window: no verdict`);
      return;
    }
    this.metrics.recordStatistics(window.kind, assessment.statistics);
    if (assessment.verdict === 'stable') {
      this.logger.info(fields, `${window.kind} window stable`);
      return;
    }
    this.metrics.alerts.inc({ kind: window.kind, severity: assessment.severity });
    this.outbox.push({
      eventType: 'DriftDetected',
      key: window.modelVersion,
      event: {
        envelope: newEnvelope('DriftDetected', {
          producer: this.options.producer,
          causedBy: cause,
        }),
        ...driftDetectedOf(window, assessment, this.options.modelName),
      },
    });
    this.logger.warn(
      {
        ...fields,
        severity: assessment.severity,
        datasetDrift: assessment.datasetDrift,
        driftedFeatures: assessment.driftedFeatures,
      },
      `${window.kind} drift detected`,
    );
  }

  private async flush(): Promise<void> {
    if (this.outbox.length === 0) return;
    const sending = this.outbox.length;
    try {
      await this.publisher.publishAll(this.outbox.slice(0, sending));
    } catch (error) {
      throw new RetriableKafkaError(
        `publishing ${sending} DriftDetected failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.outbox.splice(0, sending);
  }
}
