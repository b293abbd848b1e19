import {
  TOPICS,
  topicName,
  type EncounterRecorded,
  type OutcomeRecorded,
  type PatientForgotten,
} from '@readmit/contracts';
import { type ReadinessRegistry } from '@readmit/platform/health';
import {
  ActiveStandbyAssigner,
  deadLetterOf,
  environmentScoped,
  fetchStableOffsets,
  GroupMember,
  LogPositions,
  newEnvelope,
  PatientForgottenError,
  PoisonMessageError,
  reliableProducerConfig,
  replayEvents,
  splitIntoRequests,
  toTopicMessages,
  unexpectedEvent,
  type DecodedEvent,
  type EventSerde,
  type KafkaMetrics,
  type OutgoingEvent,
  type PoisonReason,
} from '@readmit/platform/kafka';
import {
  RetryAbandoned,
  retryWhileRunning,
  type RetryControl,
} from '@readmit/platform/kafka/retry';
import { withoutForgotten } from '@readmit/platform/privacy/sealing';
import type { EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { LabellingPolicy } from '../domain/readmission-labels/labelling-policy';
import {
  ReadmissionLabeller,
  type DerivedLabel,
} from '../domain/readmission-labels/readmission-labeller';
import type { ReadmissionLabelMetrics } from './readmission-label-metrics';

export interface ReadmissionLabellerOptions {
  readonly groupId: string;
  /** One per deployment: a second labeller started with it fences the first (docs/ingest.md). */
  readonly transactionalId: string;
  readonly policy: LabellingPolicy;
  readonly topicPrefix?: string;
  readonly producer: string;
  readonly sessionTimeoutMs?: number;
  /** Messages per transaction (default 500). */
  readonly maxMessagesPerTransaction?: number;
  /** `/ready` is false while the labeller's consumer is out of its group. */
  readonly readiness?: ReadinessRegistry;
  /** When a derived outcome is recorded (its recordedAt); the wall clock by default. */
  readonly clock?: () => number;
}

/** Committed-offset metadata: the latest admission seen, so the watermark survives a restart. */
interface OffsetMetadata {
  readonly latestAdmission: number | null;
}

/** A bad message of a chunk, on its way to `<topic>.dlq` in the chunk's transaction. */
interface DeadLetter {
  readonly sourceTopic: string;
  readonly reason: PoisonReason;
  readonly topic: string;
  readonly message: Message;
}

/** What one transaction writes. */
interface ChunkOutput {
  readonly labels: readonly DerivedLabel[];
  readonly deadLetters: readonly DeadLetter[];
  /** The consumed position it commits; null for labels due after a rebuild. */
  readonly consumed: {
    readonly topic: string;
    readonly partition: number;
    readonly next: string;
  } | null;
}

const CONSUMED = ['EncounterRecorded', 'OutcomeRecorded', 'PatientForgotten'] as const;

/**
 * Runs the ReadmissionLabeller on the log, exactly once. It reads patient.encounters, the
 * outcomes on patient.outcomes (reported ones win; derived ones are its own, read back) and
 * patient.forgotten in one group; each chunk's derived outcomes, its dead letters and its
 * consumed offsets go out in one Kafka transaction, the latest admission riding in the offset
 * metadata. Whenever the group is (re)joined, and after any failure, the labeller is rebuilt
 * from the log before the next message: encounters up to the committed offsets, every outcome
 * and forget (read_committed), so it knows which encounters are labelled already and a restart
 * neither repeats an outcome nor loses one. One member holds every partition (the watermark
 * spans them all); run one labeller per deployment.
 */
export class ReadmissionLabellerConsumer extends GroupMember {
  private labeller: ReadmissionLabeller;
  /** The next offset committed per partition: a message before it was labelled already. */
  private committed = new LogPositions();
  private rebuildNeeded = true;
  private readonly clock: () => number;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: EventSerde,
    private readonly metrics: KafkaMetrics,
    private readonly labelMetrics: ReadmissionLabelMetrics,
    private readonly logger: Logger,
    private readonly options: ReadmissionLabellerOptions,
  ) {
    super(
      kafka,
      {
        groupId: options.groupId,
        topics: [TOPICS.encounters, TOPICS.outcomes, TOPICS.forgotten],
        topicPrefix: options.topicPrefix,
        sessionTimeoutMs: options.sessionTimeoutMs,
        partitionAssigners: [ActiveStandbyAssigner],
        readiness: options.readiness,
      },
      () =>
        kafka.producer(
          reliableProducerConfig({
            transactionalId: environmentScoped(options.topicPrefix, options.transactionalId),
          }),
        ),
      logger,
    );
    this.labeller = new ReadmissionLabeller(options.policy);
    this.clock = options.clock ?? Date.now;
    // A (re)joined member resumes from the committed offsets: its state must match them.
    this.onGroupJoin(() => {
      this.rebuildNeeded = true;
    });
  }

  async start(): Promise<void> {
    await this.run((payload) => this.processBatch(payload));
  }

  private get prefix(): string {
    return this.options.topicPrefix ?? '';
  }

  private async processBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const control: RetryControl = {
      shouldContinue: () => isRunning() && !isStale(),
      heartbeat,
      logger: this.logger,
      stalls: this.stalls,
      what: `the readmission labeller's transaction over ${batch.topic}[${batch.partition}]`,
    };
    const size = this.options.maxMessagesPerTransaction ?? 500;
    try {
      if (this.rebuildNeeded) await this.rebuild(control);
      const messages = batch.messages.filter(
        (message) => !this.committed.handledBefore(batch.topic, batch.partition, message.offset),
      );
      // Redelivered messages the committed offsets cover are labelled already: read past them.
      const skipped = batch.messages.length - messages.length;
      if (skipped > 0) resolveOffset(batch.messages[skipped - 1].offset);
      for (let start = 0; start < messages.length; start += size) {
        if (!control.shouldContinue()) return;
        const chunk = messages.slice(start, start + size);
        const last = chunk[chunk.length - 1].offset;
        if (batch.topic === topicName(TOPICS.encounters, this.prefix))
          this.labeller.markPartition(
            batch.partition,
            BigInt(last) + 1n < BigInt(batch.highWatermark),
          );
        const output = await this.consume(batch.topic, batch.partition, chunk, control);
        await retryWhileRunning(() => this.write(output), control);
        this.committed.handled(batch.topic, batch.partition, last);
        resolveOffset(last);
        await heartbeat();
      }
    } catch (error) {
      // The labeller may hold what no transaction committed: rebuild it before going on.
      this.rebuildNeeded = true;
      if (!(error instanceof RetryAbandoned)) throw error;
    } finally {
      this.recordLag(this.metrics, batch);
    }
  }

  /** Feeds a chunk to the labeller: the labels now due and the chunk's dead letters. */
  private async consume(
    topic: string,
    partition: number,
    chunk: readonly KafkaMessage[],
    control: RetryControl,
  ): Promise<ChunkOutput> {
    // Decoded before anything is applied: a registry away is retried with nothing half-done.
    const decoded = await retryWhileRunning(
      () => this.serde.decodeAll(chunk.map((message) => message.value)),
      control,
    );
    const group = this.options.groupId;
    const deadLetters: DeadLetter[] = [];
    for (const [index, message] of chunk.entries()) {
      const result = decoded[index];
      const deadLetter = (poison: PoisonMessageError) =>
        deadLetters.push({
          sourceTopic: topic,
          reason: poison.reason,
          ...deadLetterOf({ topic, partition, message, group }, poison.reason, poison.message),
        });
      // A forgotten patient's event is passed over, never dead-lettered.
      if (result instanceof PatientForgottenError) {
        this.metrics.skipped.inc({ topic, event_type: result.eventType, group });
        continue;
      }
      if (result instanceof PoisonMessageError) {
        deadLetter(result);
        continue;
      }
      const unexpected = unexpectedEvent(topic, this.serde.topicPrefix, result.eventType);
      if (unexpected) {
        deadLetter(unexpected);
        continue;
      }
      this.apply(result, partition);
      this.metrics.consumed.inc({ topic, event_type: result.eventType, group });
    }
    const next = (BigInt(chunk[chunk.length - 1].offset) + 1n).toString();
    return { labels: this.labeller.takeDue(), deadLetters, consumed: { topic, partition, next } };
  }

  private apply({ eventType, event }: DecodedEvent, partition: number): void {
    switch (eventType) {
      case 'EncounterRecorded':
        this.labelMetrics.countEncounter(
          this.labeller.recordEncounter(event as EncounterRecorded, partition),
        );
        return;
      case 'OutcomeRecorded':
        this.labeller.recordOutcome((event as OutcomeRecorded).encounter_id);
        return;
      case 'PatientForgotten':
        this.labeller.forgetPatient((event as PatientForgotten).patient_nbr);
        return;
      default:
        // The three topics carry nothing else (unexpectedEvent turned it away).
        return;
    }
  }

  /** One transaction: the derived outcomes, the dead letters and the consumed offset. */
  private async write(output: ChunkOutput): Promise<void> {
    const outcomes = output.labels.map((label) => this.outcomeOf(label));
    // Sealed under the patient's existing key only: a patient without one was forgotten since.
    const forgotten = await this.serde.prepareToWrite(outcomes, { makeKeys: false });
    const written = withoutForgotten(outcomes, forgotten);
    const topicMessages = [
      ...toTopicMessages(this.serde, written, this.prefix),
      ...output.deadLetters.map((letter) => ({ topic: letter.topic, messages: [letter.message] })),
    ];
    const metadata = JSON.stringify({
      latestAdmission: this.labeller.latestAdmissionTime,
    } satisfies OffsetMetadata);
    await this.inTransaction(async (transaction) => {
      for (const request of splitIntoRequests(topicMessages))
        await transaction.sendBatch({ topicMessages: request });
      if (output.consumed) {
        const { topic, partition, next } = output.consumed;
        // kafkajs sends partition metadata through to the broker; its typings just do not say so.
        const partitions: Array<{ partition: number; offset: string; metadata: string }> = [
          { partition, offset: next, metadata },
        ];
        await transaction.sendOffsets({
          consumerGroupId: this.clusterGroupId,
          topics: [{ topic, partitions }],
        });
      }
    });
    this.countWritten(written, outcomes.length - written.length, output);
  }

  private countWritten(
    written: readonly OutgoingEvent<'OutcomeRecorded'>[],
    withheld: number,
    output: ChunkOutput,
  ): void {
    const outcomesTopic = topicName(TOPICS.outcomes, this.prefix);
    for (const { event } of written) {
      this.labelMetrics.countDerived(event.readmitted);
      this.metrics.produced.inc({ topic: outcomesTopic, event_type: 'OutcomeRecorded' });
    }
    this.labelMetrics.withheld.inc(withheld);
    for (const letter of output.deadLetters)
      this.metrics.deadLetters.inc({
        topic: letter.sourceTopic,
        reason: letter.reason,
        group: this.options.groupId,
      });
    const watermark = this.labeller.watermark;
    if (watermark !== null) this.labelMetrics.watermark.set(watermark / 1000);
    this.labelMetrics.heldStays.set(this.labeller.heldStays);
    if (written.length > 0 || withheld > 0)
      this.logger.info(
        { derived: written.length, withheld, watermark },
        'readmission labeller wrote derived outcomes',
      );
  }

  private outcomeOf(label: DerivedLabel): OutgoingEvent<'OutcomeRecorded'> {
    const { stay } = label;
    const event: OutcomeRecorded = {
      envelope: newEnvelope('OutcomeRecorded', {
        producer: this.options.producer,
        causedBy: stay.envelope,
      }),
      encounter_id: stay.encounterId,
      patient_nbr: stay.patient,
      readmitted: label.readmitted,
      recordedAt: this.clock(),
      derivation: 'DERIVED',
    };
    return { eventType: 'OutcomeRecorded', key: stay.encounterId, event };
  }

  /**
   * A labeller that matches the committed offsets: the encounters they cover, every outcome and
   * forget on the log (read_committed), and the latest admission from the offset metadata. Labels
   * it finds due (none, unless the rules changed) are written at once.
   */
  private async rebuild(control: RetryControl): Promise<void> {
    const started = Date.now();
    const labeller = new ReadmissionLabeller(this.options.policy);
    const committed = new LogPositions();
    const { positions, latestAdmission, encounterPartitions } = await this.committedOffsets();
    if (latestAdmission !== null) labeller.restoreLatestAdmission(latestAdmission);
    const encountersTopic = topicName(TOPICS.encounters, this.prefix);
    // Encounters past the committed offsets are consumed next, not replayed.
    const encountersUntil = new Map<number, bigint>();
    for (const { topic, partition, offset } of positions) {
      committed.startAt(topic, partition, offset);
      if (topic === encountersTopic) encountersUntil.set(partition, BigInt(offset));
    }
    // A partition with messages past where the group resumes holds the watermark back, from
    // the replay on (as it did in the run that committed those offsets).
    for (const { partition, earliest, end } of encounterPartitions)
      labeller.markPartition(partition, (encountersUntil.get(partition) ?? earliest) < end);
    // Every outcome and forget already on the log, even on a first start: a reported outcome
    // written before the labeller starts is known before any stay it could label is read.
    const replayed = [TOPICS.forgotten, TOPICS.outcomes].map((topic) =>
      topicName(topic, this.prefix),
    );
    if (encountersUntil.size > 0) replayed.push(encountersTopic);
    let read = 0;
    await replayEvents(
      this.kafka,
      this.serde,
      replayed,
      CONSUMED,
      async (logged) => {
        read += 1;
        // The replay runs inside a batch of the group: keep the membership alive.
        if (read % 1_000 === 0) await control.heartbeat().catch(() => undefined);
        switch (logged.eventType) {
          case 'EncounterRecorded': {
            const until = encountersUntil.get(logged.partition);
            if (until !== undefined && BigInt(logged.offset) < until)
              labeller.recordEncounter(logged.event, logged.partition);
            return;
          }
          case 'OutcomeRecorded':
            labeller.recordOutcome(logged.event.encounter_id);
            return;
          case 'PatientForgotten':
            labeller.forgetPatient(logged.event.patient_nbr);
            return;
        }
      },
      { purpose: 'readmission-labeller', logger: this.logger, metrics: this.metrics },
    );
    this.labeller = labeller;
    this.committed = committed;
    this.rebuildNeeded = false;
    this.labelMetrics.rebuilds.inc();
    this.logger.info(
      {
        eventsRead: read,
        heldStays: labeller.heldStays,
        watermark: labeller.watermark,
        ms: Date.now() - started,
      },
      'readmission labeller rebuilt from the log',
    );
    const due = labeller.takeDue();
    if (due.length > 0)
      await retryWhileRunning(
        () => this.write({ labels: due, deadLetters: [], consumed: null }),
        control,
      );
  }

  /**
   * The group's committed offsets (next offset to read), the latest admission they carry, and
   * where each partition of patient.encounters begins and ends now.
   */
  private async committedOffsets(): Promise<{
    positions: Array<{ topic: string; partition: number; offset: string }>;
    latestAdmission: number | null;
    encounterPartitions: Array<{ partition: number; earliest: bigint; end: bigint }>;
  }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = [TOPICS.encounters, TOPICS.outcomes, TOPICS.forgotten].map((topic) =>
        topicName(topic, this.prefix),
      );
      // What the last transaction committed, once it has completed: state restored one
      // transaction behind would label its outcomes again.
      const offsets = await fetchStableOffsets(admin, this.clusterGroupId, topics);
      const positions: Array<{ topic: string; partition: number; offset: string }> = [];
      let latestAdmission: number | null = null;
      for (const { topic, partitions } of offsets) {
        for (const { partition, offset, metadata } of partitions) {
          if (BigInt(offset) < 0n) continue;
          positions.push({ topic, partition, offset });
          if (!metadata) continue;
          const parsed = JSON.parse(metadata) as Partial<OffsetMetadata>;
          if (typeof parsed.latestAdmission === 'number')
            latestAdmission = Math.max(
              latestAdmission ?? parsed.latestAdmission,
              parsed.latestAdmission,
            );
        }
      }
      const ends = await admin.fetchTopicOffsets(topicName(TOPICS.encounters, this.prefix));
      const encounterPartitions = ends.map(({ partition, low, high }) => ({
        partition,
        earliest: BigInt(low),
        end: BigInt(high),
      }));
      return { positions, latestAdmission, encounterPartitions };
    } finally {
      await admin.disconnect();
    }
  }
}
