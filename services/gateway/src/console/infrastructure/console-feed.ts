import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, topicName, type DriftDetected } from '@readmit/contracts';
import { KAFKA_CLIENT, LOGGER, PLATFORM_CONFIG, SERVICE_CONFIG } from '@readmit/platform/bootstrap';
import { type PlatformConfig } from '@readmit/platform/config';
import {
  environmentScoped,
  EventFollower,
  EventSerde,
  type LoggedEvent,
} from '@readmit/platform/kafka';
import { patientSealingFromEnv, type PatientSealing } from '@readmit/platform/privacy/sealing';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { Subject } from 'rxjs';
import type { GatewayEnv } from '../../gateway.config';
import { LabelledScores } from '../domain/labelled-scores';
import {
  consumerLag,
  ratesBetween,
  snapshotOf,
  type EndsSnapshot,
  type TopicEnd,
} from '../domain/live-rates';
import { RecentScores, type ScoreBin } from '../domain/recent-scores';
import { evolveRun, type TrainingRun } from '../domain/training-runs';

/** One second of the live view. */
export interface LiveSample {
  readonly at: number;
  readonly encountersPerSecond: number;
  readonly predictionsPerSecond: number;
  /** Records each watched consumer group has yet to read. */
  readonly lag: Readonly<Record<string, number>>;
}

export interface LiveState {
  readonly history: readonly LiveSample[];
  readonly scores: readonly ScoreBin[];
  readonly predictionsRead: number;
}

const POLL_MS = 1_000;
const HISTORY_SAMPLES = 300;
const RECENT_SCORES = 5_000;
const SCORE_BINS = 20;
const MAX_ALERTS = 5_000;
const JOIN_CAPACITY = 200_000;

/** The events the console shows. */
const CONSOLE_EVENTS = [
  'PredictionMade',
  'OutcomeRecorded',
  'DriftDetected',
  'TrainingRequested',
  'ModelImportRequested',
  'TrainingCompleted',
  'TrainingFailed',
] as const;

type ConsoleEvent = LoggedEvent<(typeof CONSOLE_EVENTS)[number]>;

/**
 * What the console shows from Kafka, read by the gateway itself:
 * - ml.drift and ml.training from the beginning (alerts, runs and what triggered them);
 * - patient.predictions and patient.outcomes from the beginning (recent score distribution,
 *   and each version's predictions joined to outcomes for its live ROC and calibration);
 * - every second, the log ends of patient.encounters and patient.predictions (rates) and the
 *   committed offsets of the watched consumer groups (lag), from the admin API.
 *
 * It starts on the console's first request, so a gateway nobody opens the console on reads
 * nothing. Its consumer group is throwaway (unique, never committed). Everything is held in
 * bounded memory; nothing here is logged per event, and never a patient identifier.
 */
@Injectable()
export class ConsoleFeed implements OnApplicationShutdown {
  readonly samples = new Subject<LiveSample>();
  private started?: Promise<void>;
  private consumer?: EventFollower<ConsoleEvent['eventType']>;
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private previous?: EndsSnapshot;
  private polling = false;
  private readonly history: LiveSample[] = [];
  private readonly recent = new RecentScores(RECENT_SCORES);
  private readonly labelled = new LabelledScores(JOIN_CAPACITY);
  private readonly alerts: DriftDetected[] = [];
  private readonly runs = new Map<string, TrainingRun>();
  private serde?: EventSerde;
  private sealing?: PatientSealing;
  private readonly prefix: string;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(SERVICE_CONFIG) private readonly env: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefix = config.kafka.topicPrefix;
  }

  /** Starts reading (once); later calls return at once. */
  ensureStarted(): Promise<void> {
    this.started ??= this.start().catch((error: unknown) => {
      this.started = undefined;
      this.logger.warn({ err: error }, 'console feed could not start; retrying on next request');
    });
    return this.started;
  }

  live(): LiveState {
    return {
      history: [...this.history],
      scores: this.recent.histogram(SCORE_BINS),
      predictionsRead: this.recent.count,
    };
  }

  driftAlerts(): readonly DriftDetected[] {
    return this.alerts;
  }

  trainingRuns(): TrainingRun[] {
    return [...this.runs.values()];
  }

  labelledScores(): LabelledScores {
    return this.labelled;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.samples.complete();
    await Promise.allSettled([this.consumer?.stop(), this.admin?.disconnect()]);
    await this.sealing?.close();
  }

  /**
   * Predictions and outcomes are sealed when READMIT_KEK is set: the feed opens them with the
   * patients' data keys (a forgotten patient's are passed over). Made on the first start, so a
   * gateway nobody opens the console on never reaches the key database.
   */
  private async serdeOf(): Promise<EventSerde> {
    if (this.serde) return this.serde;
    this.sealing = await patientSealingFromEnv(this.config.kek, this.config);
    this.serde = EventSerde.create(this.config.schemaRegistryUrl, {
      topicPrefix: this.prefix,
      sealer: this.sealing?.sealer,
      registryAuth: this.config.schemaRegistryAuth,
    });
    return this.serde;
  }

  private topic(definition: { name: string }): string {
    return topicName(definition, this.prefix);
  }

  private async start(): Promise<void> {
    // A start that failed half-way (Kafka down) is retried: keep what did start, once.
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), POLL_MS);
      void this.poll();
    }
    await this.consumer?.stop();
    this.consumer = undefined;

    const existing = new Set(await this.admin.listTopics());
    const wanted = [TOPICS.drift, TOPICS.training, TOPICS.predictions, TOPICS.outcomes].map(
      (definition) => this.topic(definition),
    );
    const topics = wanted.filter((topic) => existing.has(topic));
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length > 0)
      this.logger.warn({ missing }, 'console feed: topics missing, their pages stay empty');
    if (topics.length === 0) return;
    // A poison message is the producers' consumers' business (their DLQs): the follower passes
    // over it. Anything else (the schema registry away) is retried from the last event applied.
    const consumer = new EventFollower(this.kafka, await this.serdeOf(), this.logger, {
      name: 'console-feed',
      groupId: environmentScoped(this.prefix, 'readmit-console'),
      topics,
      eventTypes: CONSOLE_EVENTS,
      onEvent: (event) => this.apply(event),
    });
    this.consumer = consumer;
    await consumer.start();
  }

  private apply(logged: ConsoleEvent): void {
    switch (logged.eventType) {
      case 'PredictionMade': {
        const { event } = logged;
        this.recent.add(event.score, Date.now());
        this.labelled.addPrediction(event.encounter_id, event.modelVersion, event.score);
        return;
      }
      case 'OutcomeRecorded':
        this.labelled.addOutcome(
          logged.event.encounter_id,
          logged.event.readmitted,
          logged.event.derivation,
        );
        return;
      case 'DriftDetected':
        this.alerts.push(logged.event);
        if (this.alerts.length > MAX_ALERTS) this.alerts.shift();
        return;
      default: {
        const { runId } = logged.event;
        this.runs.set(runId, evolveRun(this.runs.get(runId), logged));
      }
    }
  }

  private async ends(topics: readonly string[]): Promise<TopicEnd[]> {
    const admin = this.admin;
    if (!admin) return [];
    const ends: TopicEnd[] = [];
    for (const topic of topics)
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic))
        ends.push({ topic, partition, high: Number(high), low: Number(low) });
    return ends;
  }

  private async poll(): Promise<void> {
    const admin = this.admin;
    if (!admin || this.polling) return;
    this.polling = true;
    try {
      const encounters = this.topic(TOPICS.encounters);
      const predictions = this.topic(TOPICS.predictions);
      const snapshot = snapshotOf(Date.now(), await this.ends([encounters, predictions]));
      const lag: Record<string, number> = {};
      for (const group of this.env.READMIT_CONSOLE_LAG_GROUPS) {
        const committed = await admin.fetchOffsets({
          groupId: environmentScoped(this.prefix, group),
        });
        const topics = committed.map((entry) => entry.topic);
        if (topics.length === 0) continue;
        lag[group] = consumerLag(
          await this.ends(topics),
          committed.flatMap((entry) =>
            entry.partitions.map((partition) => ({
              topic: entry.topic,
              partition: partition.partition,
              offset: Number(partition.offset),
            })),
          ),
        );
      }
      const previous = this.previous;
      this.previous = snapshot;
      if (!previous) return;
      const rates = ratesBetween(previous, snapshot);
      const sample: LiveSample = {
        at: snapshot.at,
        encountersPerSecond: rates[encounters] ?? 0,
        predictionsPerSecond: rates[predictions] ?? 0,
        lag,
      };
      this.history.push(sample);
      if (this.history.length > HISTORY_SAMPLES) this.history.shift();
      this.samples.next(sample);
    } catch (error) {
      this.logger.debug({ err: error }, 'console feed: offsets poll failed');
    } finally {
      this.polling = false;
    }
  }
}
