import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  TOPICS,
  type TrainingCompleted,
  type TrainingFailed,
  type TrainingRequested,
} from '@readmit/contracts';
import { readModelArtifact } from '@readmit/ml';
import {
  FileSystemObjectStore,
  ModelArtifactStore,
  newEnvelope,
  OnnxScorer,
  type OutgoingEvent,
} from '@readmit/platform';
import { Registry } from 'prom-client';
import { eventually, sharedDataFile, uniqueName } from '../../../../test/support/endpoints';
import {
  physical,
  quietLogger,
  watchEvents,
  isolatedEventStreams,
} from '../../../../test/support/kafka';
import { encounterEvents } from '../../../ingest/src/domain/encounter-events';
import { parseEncounterRow } from '../../../ingest/src/domain/encounter-row';
import { TrainingRunner } from './training-runner';

/** The real sample as events, recorded now (outcomes included). */
function sampleEvents(): OutgoingEvent[] {
  const rows = parse(readFileSync(sharedDataFile('diabetic_data_sample.csv'), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Array<Record<string, string>>;
  return rows.flatMap((row, index): OutgoingEvent[] => {
    const result = parseEncounterRow(row);
    if (!result.ok) return [];
    const events = encounterEvents(result.encounter, result.outcome, {
      envelopeFor: (eventType, causedBy) => newEnvelope(eventType, { producer: 'test', causedBy }),
      recordedAt: Date.now(),
      source: `test#${index}`,
    });
    const key = String(result.encounter.encounter_id);
    return [
      { eventType: 'EncounterRecorded', key, event: events.encounter },
      ...(events.outcome
        ? [{ eventType: 'OutcomeRecorded' as const, key, event: events.outcome }]
        : []),
    ];
  });
}

describe('the trainer on the real broker', () => {
  it('answers TrainingRequested with a stored, verifiable model and TrainingCompleted, or TrainingFailed with the stage', async () => {
    const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.training],
      [
        'EncounterRecorded',
        'OutcomeRecorded',
        'TrainingRequested',
        'TrainingCompleted',
        'TrainingFailed',
      ],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-trainer-'));
    const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
    const registry = new Registry();
    const runner = new TrainingRunner(
      kafka,
      serde,
      metrics,
      publisher,
      artifacts,
      quietLogger,
      registry,
      {
        groupId: uniqueName('trainer'),
        topicPrefix: prefix,
        producer: 'trainer-test',
      },
    );
    const watcher = await watchEvents<TrainingCompleted | TrainingFailed>(
      kafka,
      serde,
      physical(TOPICS.training, prefix),
      ['TrainingCompleted', 'TrainingFailed'],
    );
    const results = watcher.events;
    try {
      await publisher.publishAll(sampleEvents());
      await runner.start();
      const request = (changes: Partial<TrainingRequested>): TrainingRequested => ({
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
      });
      const good = request({});
      const tooEarly = request({ asOf: 0 });
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
      await watcher.stop();
      await runner.stop();
      await publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
