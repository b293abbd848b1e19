import { TOPICS, topicName } from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  environmentScoped,
  logEnds,
  readMessage,
  SkippedMessages,
  SupervisedConsumer,
  type EventSerde,
  type KafkaMetrics,
  type PartitionEnds,
} from '@readmit/platform/kafka';
import type { Admin, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { guarded } from './postgres/database-errors';
import {
  learnEncounters,
  learnOutcomes,
  type LoggedEncounter,
  type LoggedOutcome,
} from './postgres/encounter-keys-table';
import { ingestTablesOf } from './postgres/ingest-tables';

/** The events whose keys the table learns. */
const KEYED = new Set(['EncounterRecorded', 'OutcomeRecorded'] as const);

export interface EncounterKeysFollowerOptions {
  /** The consumer group, shared by the service's instances (scoped to the topic prefix). */
  readonly groupId: string;
  readonly topicPrefix?: string;
  /** When given, `/ready` is false while the follower's consumer is not in its group. */
  readonly readiness?: ReadinessRegistry;
}

/**
 * Keeps ingest_encounter_keys a projection of the log: every EncounterRecorded and
 * OutcomeRecorded on patient.encounters and patient.outcomes, whoever published it (an
 * upload, `readmit produce`, a crashed instance whose claims never committed), is written to
 * the keys table, so a re-send of it is known. One statement per fetched batch rather than a
 * transaction per event (the platform's ProjectionRunner): these topics carry tens of
 * thousands of events per second in a bulk load, and the writes are idempotent upserts, so a
 * redelivered batch changes nothing and no checkpoint is needed; the group's offsets say where
 * to go on.
 *
 * `isCaughtUp()` says whether it has read the log up to where it ended when the service
 * started: until then an upload could publish again what a crashed instance had published.
 */
export class EncounterKeysFollower {
  private readonly consumer: SupervisedConsumer;
  private readonly topics: string[];
  /** The group id on the cluster (scoped to the topic prefix); metrics use the plain name. */
  private readonly groupId: string;
  private readonly groupName: string;
  private readonly table: string;
  /** What the follower passes over, by reason, and in the skipped metric under its group. */
  private readonly skipped: SkippedMessages;
  private admin: Admin | undefined;
  /** The log's ends when the follower started. */
  private startEnds: PartitionEnds[] | undefined;
  private caughtUp = false;
  private check: Promise<boolean> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly dataSource: DataSource,
    private readonly metrics: KafkaMetrics,
    private readonly logger: Logger,
    options: EncounterKeysFollowerOptions,
  ) {
    const prefix = options.topicPrefix ?? '';
    this.topics = [TOPICS.encounters, TOPICS.outcomes].map((topic) => topicName(topic, prefix));
    this.groupId = environmentScoped(prefix, options.groupId);
    this.groupName = options.groupId;
    this.skipped = new SkippedMessages(options.groupId, metrics);
    this.table = ingestTablesOf(dataSource).keys;
    this.consumer = new SupervisedConsumer(
      kafka,
      {
        name: options.groupId,
        config: { groupId: this.groupId, readUncommitted: false },
        topics: this.topics,
        fromBeginning: true,
        // Commit after every batch, transaction markers included (threshold 1: kafkajs commits
        // a batch of only markers only when asked to): the catch-up check reads these offsets.
        run: () => ({ autoCommitThreshold: 1, eachBatch: (payload) => this.learn(payload) }),
        readiness: options.readiness,
      },
      logger,
    );
  }

  async start(): Promise<void> {
    this.startEnds = await logEnds(this.kafka, this.topics);
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  private async learn({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    const encounters: LoggedEncounter[] = [];
    const outcomes: LoggedOutcome[] = [];
    const group = this.groupName;
    let passedOver = 0;
    for (const message of batch.messages) {
      // Undecodable, invalid and misrouted messages are passed over (the group consumers that
      // act on events dead-letter them): a misrouted encounter (one on patient.outcomes)
      // published no encounter, and learning its key would refuse a later upload of it.
      const reading = await readMessage(this.serde, batch.topic, batch.partition, message, KEYED);
      if (reading.kind === 'skipped') {
        passedOver += 1;
        this.skipped.count(batch.topic, reading.reason, reading.eventType);
      }
      if (reading.kind !== 'event') continue;
      const logged = reading.event;
      if (logged.eventType === 'EncounterRecorded')
        encounters.push({
          encounterId: logged.event.encounter_id,
          patient: logged.event.patient_nbr,
        });
      // The table keeps senders' outcomes, which uploads are compared with: a derived one in
      // their place would turn away a sender's label equal to it, which must reach the log.
      else if (logged.event.derivation !== 'DERIVED')
        outcomes.push({
          encounterId: logged.event.encounter_id,
          patient: logged.event.patient_nbr,
          outcome: logged.event.readmitted,
          recordedAt: logged.event.recordedAt,
        });
    }
    // A batch holds one partition of one topic, so one statement runs: its locks are taken in
    // id order, as an upload's claims are, and the two never deadlock.
    await guarded(async () => {
      await learnEncounters(this.dataSource.manager, this.table, encounters);
      await learnOutcomes(this.dataSource.manager, this.table, outcomes);
    });
    if (encounters.length > 0)
      this.metrics.consumed.inc(
        { topic: batch.topic, event_type: 'EncounterRecorded', group },
        encounters.length,
      );
    if (outcomes.length > 0)
      this.metrics.consumed.inc(
        { topic: batch.topic, event_type: 'OutcomeRecorded', group },
        outcomes.length,
      );
    this.metrics.consumerLag.set(
      { topic: batch.topic, partition: String(batch.partition), group },
      Number(batch.offsetLag()),
    );
    if (passedOver > 0)
      this.logger.warn(
        { topic: batch.topic, partition: batch.partition, passedOver },
        'encounter keys: undecodable, invalid or misrouted messages were passed over',
      );
    await heartbeat();
  }

  /** Whether the group has read every partition up to its end when the follower started. */
  isCaughtUp(): Promise<boolean> {
    if (this.caughtUp) return Promise.resolve(true);
    // Readiness probes and uploads may ask at once: one look at the offsets serves them all.
    this.check ??= this.lookAtOffsets().finally(() => {
      this.check = undefined;
    });
    return this.check;
  }

  /** Resolves true once caught up, false when `timeoutMs` passes first (or Kafka does not answer). */
  async whenCaughtUp(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.isCaughtUp().catch(() => false)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, left)));
    }
  }

  private async lookAtOffsets(): Promise<boolean> {
    const pending = (this.startEnds ?? []).filter(({ low, high }) => BigInt(high) > BigInt(low));
    if (this.startEnds && pending.length > 0) {
      if (!this.admin) {
        const admin = this.kafka.admin();
        await admin.connect();
        this.admin = admin;
      }
      const committed = new Map<string, bigint>();
      for (const { topic, partitions } of await this.admin.fetchOffsets({
        groupId: this.groupId,
        topics: this.topics,
      })) {
        for (const { partition, offset } of partitions)
          committed.set(`${topic}:${partition}`, BigInt(offset));
      }
      const behind = pending.some(
        ({ topic, partition, high }) =>
          (committed.get(`${topic}:${partition}`) ?? -1n) < BigInt(high),
      );
      if (behind) return false;
    }
    if (!this.startEnds) return false;
    this.caughtUp = true;
    await this.admin?.disconnect();
    this.admin = undefined;
    return true;
  }
}
