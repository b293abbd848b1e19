import {
  TOPICS,
  topicName,
  type BatchArrived,
  type DriftDetected,
  type ModelPromoted,
  type ModelRejected,
  type ReadmissionClass,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import { EventFollower, type EventSerde, type LoggedEvent } from '@readmit/platform/kafka';
import type { Kafka } from 'kafkajs';
import pino from 'pino';

/** The events the demo waits for. */
const LOOP_EVENTS = [
  'BatchArrived',
  'TrainingRequested',
  'TrainingCompleted',
  'TrainingFailed',
  'ModelPromoted',
  'ModelRejected',
  'DriftDetected',
  'PredictionMade',
  'OutcomeRecorded',
] as const;

type LoopEvent = LoggedEvent<(typeof LOOP_EVENTS)[number]>;

/** What the closed loop has said so far, as read from its topics. */
export interface LoopEvents {
  readonly batches: BatchArrived[];
  readonly requested: TrainingRequested[];
  readonly completed: TrainingCompleted[];
  readonly failed: TrainingFailed[];
  readonly promoted: ModelPromoted[];
  readonly rejected: ModelRejected[];
  readonly drift: DriftDetected[];
  /** Predictions by the version that made them. */
  readonly predictionsByVersion: Map<string, number>;
  /** Outcomes sent with the encounters (or by a person), counted. */
  reportedOutcomes: number;
  /** Outcomes the labeller derived from the stays, by encounter pseudonym. */
  readonly derivedLabels: Map<string, ReadmissionClass>;
}

/** A step that did not happen in time, named so the reader knows where the loop stopped. */
export class LoopStepTimeout extends Error {
  constructor(step: string, timeoutMs: number, detail: string) {
    super(`${step}: not within ${Math.round(timeoutMs / 1000)} s (${detail})`);
    this.name = 'LoopStepTimeout';
  }
}

/**
 * Reads the loop's topics from the beginning (read_committed, a group of its own, nothing
 * committed) and keeps their events, so each step can wait for what it expects.
 */
export class LoopWatcher {
  readonly events: LoopEvents = {
    batches: [],
    requested: [],
    completed: [],
    failed: [],
    promoted: [],
    rejected: [],
    drift: [],
    predictionsByVersion: new Map(),
    reportedOutcomes: 0,
    derivedLabels: new Map(),
  };
  private follower: EventFollower<LoopEvent['eventType']> | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    const topics = [
      TOPICS.batches,
      TOPICS.training,
      TOPICS.models,
      TOPICS.drift,
      TOPICS.predictions,
      TOPICS.outcomes,
    ];
    // The demo prints its own story: what the follower passes over is not part of it.
    this.follower = new EventFollower(this.kafka, this.serde, pino({ level: 'silent' }), {
      name: 'demo-watcher',
      groupId: `${this.prefix}readmit-demo-watcher`,
      topics: topics.map((topic) => topicName(topic, this.prefix)),
      eventTypes: LOOP_EVENTS,
      onEvent: (event) => this.record(event),
    });
    await this.follower.start();
  }

  async stop(): Promise<void> {
    await this.follower?.stop();
  }

  predictions(version?: string): number {
    if (version !== undefined) return this.events.predictionsByVersion.get(version) ?? 0;
    let total = 0;
    for (const count of this.events.predictionsByVersion.values()) total += count;
    return total;
  }

  /** Resolves with the first truthy value of `probe`, polled as events arrive. */
  async waitFor<T>(
    step: string,
    probe: (events: LoopEvents) => T | undefined | null | false,
    timeoutMs: number,
    detail: () => string = () => '',
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe(this.events);
      if (value) return value;
      if (Date.now() > deadline) throw new LoopStepTimeout(step, timeoutMs, detail());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private record(logged: LoopEvent): void {
    const events = this.events;
    switch (logged.eventType) {
      case 'BatchArrived':
        events.batches.push(logged.event);
        break;
      case 'TrainingRequested':
        events.requested.push(logged.event);
        break;
      case 'TrainingCompleted':
        events.completed.push(logged.event);
        break;
      case 'TrainingFailed':
        events.failed.push(logged.event);
        break;
      case 'ModelPromoted':
        events.promoted.push(logged.event);
        break;
      case 'ModelRejected':
        events.rejected.push(logged.event);
        break;
      case 'DriftDetected':
        events.drift.push(logged.event);
        break;
      case 'PredictionMade': {
        const version = logged.event.modelVersion;
        events.predictionsByVersion.set(
          version,
          (events.predictionsByVersion.get(version) ?? 0) + 1,
        );
        break;
      }
      case 'OutcomeRecorded':
        if (logged.event.derivation === 'DERIVED')
          events.derivedLabels.set(logged.event.encounter_id, logged.event.readmitted);
        else events.reportedOutcomes += 1;
        break;
    }
  }

  /** Outcomes on the log so far, reported and derived. */
  outcomes(): number {
    return this.events.reportedOutcomes + this.events.derivedLabels.size;
  }
}
