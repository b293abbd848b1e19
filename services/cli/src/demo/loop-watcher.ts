import {
  TOPICS,
  topicName,
  type BatchArrived,
  type DriftDetected,
  type ModelPromoted,
  type ModelRejected,
  type PredictionMade,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import type { EventSerde } from '@readmit/platform/kafka';
import type { Consumer, Kafka } from 'kafkajs';

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
  };
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.prefix}readmit-demo-watcher-${process.pid}-${Date.now()}`,
      readUncommitted: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    const topics = [
      TOPICS.batches,
      TOPICS.training,
      TOPICS.models,
      TOPICS.drift,
      TOPICS.predictions,
    ];
    await consumer.subscribe({
      topics: topics.map((topic) => topicName(topic, this.prefix)),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) await this.record(message.value);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
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

  private async record(value: Buffer | null): Promise<void> {
    const { eventType, event } = await this.serde.decode(value);
    const events = this.events;
    switch (eventType) {
      case 'BatchArrived':
        events.batches.push(event as BatchArrived);
        break;
      case 'TrainingRequested':
        events.requested.push(event as TrainingRequested);
        break;
      case 'TrainingCompleted':
        events.completed.push(event as TrainingCompleted);
        break;
      case 'TrainingFailed':
        events.failed.push(event as TrainingFailed);
        break;
      case 'ModelPromoted':
        events.promoted.push(event as ModelPromoted);
        break;
      case 'ModelRejected':
        events.rejected.push(event as ModelRejected);
        break;
      case 'DriftDetected':
        events.drift.push(event as DriftDetected);
        break;
      case 'PredictionMade': {
        const version = (event as PredictionMade).modelVersion;
        events.predictionsByVersion.set(
          version,
          (events.predictionsByVersion.get(version) ?? 0) + 1,
        );
        break;
      }
      default:
        break;
    }
  }
}
