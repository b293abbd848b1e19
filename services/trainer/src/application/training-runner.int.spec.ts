import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  TOPICS,
  type ModelPromoted,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import { encounterEvents, parseEncounterRow, readModelArtifact } from '@readmit/ml';
import {
  newEnvelope,
  replayLog,
  type EventSerde,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { OnnxScorer } from '@readmit/platform/onnx';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { eventually, sharedDataFile, uniqueName } from '../../../../test/support/endpoints';
import {
  physical,
  quietLogger,
  watchEvents,
  isolatedEventStreams,
} from '../../../../test/support/kafka';
import { TrainingRunner } from './training-runner';
import { testPseudonymize } from '../../../../test/support/pseudonyms';

/** The real sample as events, recorded now (outcomes included). */
function sampleEvents(): OutgoingEvent[] {
  const rows = parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
  return rows.flatMap((row, index): OutgoingEvent[] => {
    const result = parseEncounterRow(row, testPseudonymize);
    if (!result.ok) return [];
    const events = encounterEvents(result.encounter, result.outcome, {
      envelopeFor: (eventType, causedBy) => newEnvelope(eventType, { producer: 'test', causedBy }),
      recordedAt: Date.now(),
      source: `test#${index}`,
    });
    const key = result.encounter.encounter_id;
    return [
      { eventType: 'EncounterRecorded', key, event: events.encounter },
      ...(events.outcome
        ? [{ eventType: 'OutcomeRecorded' as const, key, event: events.outcome }]
        : []),
    ];
  });
}

function trainingRequest(changes: Partial<TrainingRequested>): TrainingRequested {
  return {
    envelope: newEnvelope('TrainingRequested', { producer: 'test' }),
    runId: randomUUID(),
    modelName: 'readmission',
    reason: 'MANUAL',
    triggeredBy: [],
    task: 'ANY_READMISSION',
    asOf: Date.now() + 1_000,
    candidates: ['logistic_regression'],
    requestedBy: 'test',
    ...changes,
  };
}

/** The sum of a counter over its labels (0 when nothing was counted). */
async function counted(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, { value }) => sum + value, 0);
}

/** The outcomes of a run on ml.training, in log order: the topic read to its end now. */
async function outcomesOnLog(
  kafka: Kafka,
  serde: EventSerde,
  topic: string,
  runId: string,
): Promise<string[]> {
  const found: string[] = [];
  await replayLog(
    kafka,
    [topic],
    async (_topic, _partition, message) => {
      const decoded = await serde.decode(message.value);
      if (decoded.eventType !== 'TrainingCompleted' && decoded.eventType !== 'TrainingFailed')
        return;
      if ((decoded.event as TrainingCompleted | TrainingFailed).runId === runId)
        found.push(decoded.eventType);
    },
    { purpose: 'test-training-outcomes' },
  );
  return found;
}

/**
 * What each test starts from: the trainer's topics under a prefix of their own (ml.models too
 * when asked), a folder for the artifacts, trainers on them and watches of ml.training; cleanUp()
 * stops the watches, then the trainers, and removes the folder.
 */
async function trainerSetUp(options: { models?: boolean } = {}) {
  const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
    [
      TOPICS.encounters,
      TOPICS.outcomes,
      TOPICS.training,
      ...(options.models ? [TOPICS.models] : []),
    ],
    [
      'EncounterRecorded',
      'OutcomeRecorded',
      'TrainingRequested',
      'TrainingCompleted',
      'TrainingFailed',
      ...(options.models ? (['ModelPromoted'] as const) : []),
    ],
  );
  const root = mkdtempSync(join(tmpdir(), 'readmit-trainer-'));
  const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
  const trainingTopic = physical(TOPICS.training, prefix);
  const runners: TrainingRunner[] = [];
  const watchers: Array<{ stop: () => Promise<void> }> = [];
  return {
    kafka,
    serde,
    publisher,
    artifacts,
    trainingTopic,
    /** A trainer in a group of its own, counting its runs in `registry`. */
    trainer(registry = new Registry()): TrainingRunner {
      const runner = new TrainingRunner(
        kafka,
        serde,
        metrics,
        publisher,
        artifacts,
        quietLogger,
        registry,
        { groupId: uniqueName('trainer'), topicPrefix: prefix, producer: 'trainer-test' },
      );
      runners.push(runner);
      return runner;
    },
    /** The run outcomes on ml.training, as they arrive. */
    async watchOutcomes(): Promise<Array<TrainingCompleted | TrainingFailed>> {
      const watcher = await watchEvents<TrainingCompleted | TrainingFailed>(
        kafka,
        serde,
        trainingTopic,
        ['TrainingCompleted', 'TrainingFailed'],
      );
      watchers.push(watcher);
      return watcher.events;
    },
    async cleanUp(): Promise<void> {
      for (const watcher of watchers) await watcher.stop();
      for (const runner of runners) await runner.stop();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

describe('the trainer on the real broker', () => {
  it('answers TrainingRequested with a stored, verifiable model and TrainingCompleted, or TrainingFailed with the stage', async () => {
    const setUp = await trainerSetUp();
    const { publisher, artifacts } = setUp;
    const registry = new Registry();
    const runner = setUp.trainer(registry);
    const results = await setUp.watchOutcomes();
    try {
      await publisher.publishAll(sampleEvents());
      await runner.start();
      const good = trainingRequest({});
      const tooEarly = trainingRequest({ asOf: 0 });
      await publisher.publish('TrainingRequested', good.runId, good);
      await publisher.publish('TrainingRequested', tooEarly.runId, tooEarly);
      await eventually(async () => (results.length >= 2 ? true : undefined), 120_000);

      const completed = results.find((event) => event.runId === good.runId) as TrainingCompleted;
      expect(completed).toMatchObject({
        modelName: 'readmission',
        algorithm: 'logistic-regression',
        featureSpecVersion: '1',
        artifactSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        artifactUri: expect.stringMatching(/^file:\/\/.*model\.onnx$/),
      });
      expect(completed.envelope.causationId).toBe(good.envelope.eventId);
      expect(completed.metrics.roc_auc).toBeGreaterThan(0.6);
      expect(
        completed.lineage.trainRows +
          completed.lineage.validationRows +
          completed.lineage.holdoutRows,
      ).toBe(4999);
      expect(
        completed.lineage.encounterRanges.reduce(
          (sum, range) => sum + range.toOffset - range.fromOffset,
          0,
        ),
      ).toBe(4999);
      expect(completed.subgroupMetrics.some((entry) => entry.attribute === 'race')).toBe(true);
      // This catalog has no ml.models topic: no champion to compare with.
      expect(completed.championEvaluation).toBeNull();

      const bytes = await artifacts.load(completed.artifactUri, completed.artifactSha256);
      expect(readModelArtifact(bytes).info.version).toBe(completed.modelVersion);
      const scorer = await OnnxScorer.load(bytes);
      await scorer.close();

      const failed = results.find((event) => event.runId === tooEarly.runId) as TrainingFailed;
      expect(failed).toMatchObject({ stage: 'assemble', retriable: false });
      expect(failed.reason).toMatch(/labelled encounters for train/);
      expect(await registry.getSingleMetric('readmit_training_runs_total')?.get()).toMatchObject({
        values: expect.arrayContaining([
          expect.objectContaining({ labels: { outcome: 'completed' }, value: 1 }),
          expect.objectContaining({ labels: { outcome: 'failed' }, value: 1 }),
        ]),
      });
    } finally {
      await setUp.cleanUp();
    }
  });

  it("scores the champion named on ml.models on the new run's holdout, as that model scored itself on the same rows", async () => {
    const setUp = await trainerSetUp({ models: true });
    const { publisher } = setUp;
    const runner = setUp.trainer();
    const outcomes = await setUp.watchOutcomes();
    const outcomeOf = async (request: TrainingRequested): Promise<TrainingCompleted> => {
      await publisher.publish('TrainingRequested', request.runId, request);
      const outcome = await eventually(
        async () => outcomes.find((event) => event.runId === request.runId),
        120_000,
      );
      expect(outcome.envelope.eventType).toBe('TrainingCompleted');
      return outcome as TrainingCompleted;
    };
    try {
      await publisher.publishAll(sampleEvents());
      await runner.start();
      // The same data as of the same time and the same seed: the same split, so the same holdout.
      const asOf = Date.now() + 1_000;

      // ml.models exists but is empty: no champion yet.
      const first = await outcomeOf(trainingRequest({ asOf }));
      expect(first.championEvaluation).toBeNull();

      const promoted: ModelPromoted = {
        envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
        modelName: 'readmission',
        version: first.modelVersion,
        previousVersion: null,
        artifactUri: first.artifactUri,
        artifactSha256: first.artifactSha256,
        threshold: first.threshold,
        mode: 'AUTOMATIC',
        decidedBy: 'test',
        reason: 'the first model',
        criteria: [],
      };
      await publisher.publish('ModelPromoted', promoted.modelName, promoted);

      const second = await outcomeOf(trainingRequest({ asOf }));
      expect(second.modelVersion).not.toBe(first.modelVersion);
      expect(second.lineage.holdoutId).toBe(first.lineage.holdoutId);
      const evaluation = second.championEvaluation;
      expect(evaluation).toMatchObject({
        version: first.modelVersion,
        artifactSha256: first.artifactSha256,
        threshold: first.threshold,
      });
      if (!evaluation) throw new Error('the champion was not evaluated');
      // onnxruntime scores in float32, the first run judged itself on its float64 scores. The
      // rounding can tie or swap the closest pairs, and each moves the AUC by one over
      // positives × negatives (1e-5 on a holdout of ~100,000 pairs): a few of them, not more.
      expect(Math.abs(evaluation.metrics.roc_auc - first.metrics.roc_auc)).toBeLessThan(1e-4);
      expect(Math.abs(evaluation.metrics.brier - first.metrics.brier)).toBeLessThan(1e-6);
      // The champion has no validation split in this run: only holdout metrics.
      expect(evaluation.metrics.validation_roc_auc).toBeUndefined();
      expect(Object.keys(evaluation.metrics).sort()).toEqual(
        Object.keys(first.metrics)
          .filter((name) => name !== 'validation_roc_auc')
          .sort(),
      );
      expect(
        evaluation.subgroupMetrics.map(({ attribute, group, count }) => ({
          attribute,
          group,
          count,
        })),
      ).toEqual(
        first.subgroupMetrics.map(({ attribute, group, count }) => ({ attribute, group, count })),
      );
    } finally {
      await setUp.cleanUp();
    }
  });
  it('trains a run once when its TrainingRequested is delivered again, also by a restarted trainer', async () => {
    const setUp = await trainerSetUp();
    const { kafka, serde, publisher, trainingTopic, trainer } = setUp;
    const firstRegistry = new Registry();
    const first = trainer(firstRegistry);
    const restartedRegistry = new Registry();
    let restarted: TrainingRunner | undefined;
    // Requests the trainer has finished with: trained (completed or failed) or skipped.
    const handled = async (registry: Registry) =>
      (await counted(registry, 'readmit_training_runs_total')) +
      (await counted(registry, 'readmit_training_runs_skipped_total'));
    try {
      await publisher.publishAll(sampleEvents());
      await first.start();
      const request = trainingRequest({});
      // Twice the same event: to the handler, exactly what a redelivery looks like.
      await publisher.publish('TrainingRequested', request.runId, request);
      await publisher.publish('TrainingRequested', request.runId, request);
      await eventually(
        async () => ((await handled(firstRegistry)) >= 2 ? true : undefined),
        150_000,
        250,
      );
      expect(await outcomesOnLog(kafka, serde, trainingTopic, request.runId)).toEqual([
        'TrainingCompleted',
      ]);
      expect(await counted(firstRegistry, 'readmit_training_runs_total')).toBe(1);
      expect(
        await firstRegistry.getSingleMetric('readmit_training_runs_skipped_total')?.get(),
      ).toMatchObject({ values: [{ labels: { reason: 'already_done' }, value: 1 }] });

      // A new process in a new group gets both requests again: it knows the outcome from the log.
      await first.stop();
      restarted = trainer(restartedRegistry);
      await restarted.start();
      await eventually(
        async () => ((await handled(restartedRegistry)) >= 2 ? true : undefined),
        60_000,
        250,
      );
      expect(await counted(restartedRegistry, 'readmit_training_runs_total')).toBe(0);
      expect(await counted(restartedRegistry, 'readmit_training_runs_skipped_total')).toBe(2);
      expect(await outcomesOnLog(kafka, serde, trainingTopic, request.runId)).toEqual([
        'TrainingCompleted',
      ]);
    } finally {
      await setUp.cleanUp();
    }
  }, 240_000);
});
