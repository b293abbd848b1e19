import { TOPICS, topicName } from '@readmit/contracts';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { EventFollower } from '../../kafka/event-follower';
import type { KafkaMetrics } from '../../kafka/kafka-metrics';
import type { EventSerde } from '../../kafka/serde/event-serde';
import type { PatientKeys } from '../keys/patient-keys';

/** What a service does when a patient is forgotten (drop what it kept about them). */
export type ForgottenPatientListener = (patient: string) => void | Promise<void>;

export interface ForgottenPatientsFollowerOptions {
  /** The service's patient keys: their cached copies are dropped at once. */
  readonly keys: PatientKeys;
  readonly topicPrefix: string;
  /** Names the follower's private consumer group (a unique suffix is added). */
  readonly groupId: string;
  readonly metrics?: KafkaMetrics;
}

/**
 * Follows patient.forgotten in every process that holds patient keys: a forget drops the
 * patient's cached key at once (otherwise it ages out within 30 s) and tells the listeners, so
 * that a service drops the rows it keeps about the patient. From the beginning of the topic at
 * each start: a process that was down during a forget catches up.
 */
export class ForgottenPatientsFollower {
  private readonly listeners: ForgottenPatientListener[] = [];
  private readonly follower: EventFollower<'PatientForgotten'>;

  constructor(
    kafka: Kafka,
    serde: EventSerde,
    logger: Logger,
    options: ForgottenPatientsFollowerOptions,
  ) {
    this.follower = new EventFollower(kafka, serde, logger, {
      name: 'forgotten-patients',
      groupId: options.groupId,
      topics: [topicName(TOPICS.forgotten, options.topicPrefix)],
      eventTypes: ['PatientForgotten'],
      onEvent: async ({ event }) => {
        options.keys.evict(event.patient_nbr);
        for (const listener of this.listeners) await listener(event.patient_nbr);
      },
      metrics: options.metrics,
    });
  }

  /** Adds a listener; add it before start so that it hears the forgets already on the log. */
  onForgotten(listener: ForgottenPatientListener): void {
    this.listeners.push(listener);
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  whenCaughtUp(): Promise<void> {
    return this.follower.whenCaughtUp();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
