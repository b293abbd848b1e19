import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXAMPLE_EVENTS,
  TOPICS,
  type EncounterRecorded,
  type PredictionMade,
  type ReadmissionClass,
} from '@readmit/contracts';
import {
  buildModelArtifact,
  FeatureEncoder,
  fitFeatureSpec,
  fitReferenceProfile,
  isPositive,
  logisticRegressionToJson,
  logisticRegressionToOnnx,
  rocAuc,
  SeededRandom,
  trainLogisticRegression,
} from '@readmit/ml';
import { newEnvelope } from '@readmit/platform/kafka';
import { FileSystemObjectStore, ModelArtifactStore } from '@readmit/platform/storage';
import { smallModelArtifact } from '../../../../test/support/artifacts';
import { eventually } from '../../../../test/support/endpoints';
import {
  exampleEncounter,
  isolatedEventStreams,
  physical,
  watchEvents,
} from '../../../../test/support/kafka';
import { runReadmit } from '../../../../test/support/processes';
import { encounterPseudonym } from '../../../../test/support/pseudonyms';

const ENCOUNTERS = 1_200;

/** Encounters that differ where the test models look (length of stay, earlier inpatient stays). */
function encounter(id: number): EncounterRecorded {
  return { ...exampleEncounter(id), time_in_hospital: (id % 14) + 1, number_inpatient: id % 4 };
}

/**
 * A second real model, unlike smallModelArtifact's: it learned that long stays are readmitted,
 * so it ranks the same encounters differently.
 */
function longStayArtifact(version: string): Uint8Array {
  const encounters = Array.from({ length: 200 }, (_, index) => encounter(index + 1));
  const featureSpec = fitFeatureSpec(encounters);
  const labels = Uint8Array.from(encounters, (e) => (e.time_in_hospital > 7 ? 1 : 0));
  const model = trainLogisticRegression(
    new FeatureEncoder(featureSpec).encodeAll(encounters),
    labels,
  );
  return buildModelArtifact(
    logisticRegressionToOnnx(model, { producerVersion: 'test', metadata: {} }),
    {
      info: {
        name: 'readmission',
        version,
        algorithm: 'logistic-regression',
        target: 'within-30-days',
        threshold: 0.4,
        params: { l2: '1' },
        trainedAt: Date.now(),
      },
      featureSpec,
      referenceProfile: fitReferenceProfile(encounters, [0.1, 0.9]),
      model: { algorithm: 'logistic-regression', json: logisticRegressionToJson(model) },
    },
  );
}

/** Outcomes of two thirds of the encounters, readmission more likely after inpatient stays. */
function outcomeOf(id: number, random: SeededRandom): ReadmissionClass | null {
  if (id % 3 === 0) return null;
  const draw = random.next();
  if (draw < (id % 4 > 1 ? 0.5 : 0.15)) return 'WITHIN_30_DAYS';
  return draw < 0.7 ? 'AFTER_30_DAYS' : 'NO';
}

interface ComparisonJson {
  a: { asked: string; backfillId: string; reused: boolean };
  b: { asked: string; backfillId: string; reused: boolean };
  comparison: {
    a: { version: string; threshold: number; target: string; distribution: { count: number } };
    b: { version: string; threshold: number; target: string; distribution: { count: number } };
    both: number;
    onlyA: number;
    onlyB: number;
    psi: number;
    labelAgreement: number;
    outcomes: {
      labelled: number;
      a: { rocAuc: number; positives: number };
      b: { rocAuc: number; positives: number };
      aucDifference: { aucA: number; aucB: number; pValue: number };
    };
  };
}

describe('readmit backfill compare', () => {
  it('backfills two versions over the same history and compares them, reusing the backfills when asked again', async () => {
    const streams = await isolatedEventStreams(
      [
        TOPICS.encounters,
        TOPICS.outcomes,
        TOPICS.backfillPredictions,
        TOPICS.backfills,
        TOPICS.models,
        TOPICS.training,
      ],
      [
        'EncounterRecorded',
        'OutcomeRecorded',
        'PredictionMade',
        'ModelPromoted',
        'TrainingCompleted',
      ],
    );
    const root = mkdtempSync(join(tmpdir(), 'readmit-cli-compare-'));
    try {
      const artifacts = new ModelArtifactStore(new FileSystemObjectStore(root));
      // v1 is the champion (threshold 0.3); v2 was trained and never served (threshold 0.4).
      const v1 = await artifacts.save('readmission', 'v1', smallModelArtifact('readmission', 'v1'));
      const v2 = await artifacts.save('readmission', 'v2', longStayArtifact('v2'));
      await streams.publisher.publish('ModelPromoted', 'readmission', {
        ...EXAMPLE_EVENTS.ModelPromoted,
        envelope: newEnvelope('ModelPromoted', { producer: 'test' }),
        modelName: 'readmission',
        version: 'v1',
        previousVersion: null,
        artifactUri: v1.uri,
        artifactSha256: v1.sha256,
        threshold: 0.3,
      });
      await streams.publisher.publish('TrainingCompleted', 'run-v2', {
        ...EXAMPLE_EVENTS.TrainingCompleted,
        envelope: newEnvelope('TrainingCompleted', { producer: 'test' }),
        runId: 'run-v2',
        modelName: 'readmission',
        modelVersion: 'v2',
        artifactUri: v2.uri,
        artifactSha256: v2.sha256,
        threshold: 0.4,
        championEvaluation: null,
      });
      const random = new SeededRandom(11);
      const outcomes = new Map<string, ReadmissionClass>();
      for (let id = 1; id <= ENCOUNTERS; id++) {
        const outcome = outcomeOf(id, random);
        if (outcome) outcomes.set(encounterPseudonym(id), outcome);
      }
      await streams.publisher.publishAll([
        ...Array.from({ length: ENCOUNTERS }, (_, index) => ({
          eventType: 'EncounterRecorded' as const,
          key: encounterPseudonym(index + 1),
          event: encounter(index + 1),
        })),
        ...[...outcomes].map(([id, readmitted]) => ({
          eventType: 'OutcomeRecorded' as const,
          key: id,
          event: {
            ...EXAMPLE_EVENTS.OutcomeRecorded,
            envelope: newEnvelope('OutcomeRecorded', { producer: 'test' }),
            encounter_id: id,
            readmitted,
          },
        })),
      ]);

      const args = [
        'backfill',
        'compare',
        '--models',
        'champion,v2',
        '--local',
        '--json',
        '--artifacts',
        root,
        '--prefix',
        streams.prefix,
      ];
      const first = runReadmit(args);
      expect(first.stderr).not.toMatch(/reusing/);
      expect(first.status).toBe(0);
      const report = JSON.parse(first.stdout) as ComparisonJson;
      const { comparison } = report;
      expect(report.a).toMatchObject({ asked: 'champion', reused: false });
      expect(report.b).toMatchObject({ asked: 'v2', reused: false });
      expect(report.a.backfillId).not.toBe(report.b.backfillId);
      expect(comparison.a).toMatchObject({
        version: 'v1',
        threshold: 0.3,
        target: 'within-30-days',
      });
      expect(comparison.b).toMatchObject({
        version: 'v2',
        threshold: 0.4,
        target: 'within-30-days',
      });
      expect(comparison.a.distribution.count).toBe(ENCOUNTERS);
      expect(comparison.b.distribution.count).toBe(ENCOUNTERS);
      expect(comparison.both).toBe(ENCOUNTERS);
      expect(comparison.onlyA).toBe(0);
      expect(comparison.onlyB).toBe(0);
      expect(comparison.psi).toBeGreaterThan(0);
      expect(comparison.labelAgreement).toBeLessThan(1);
      expect(comparison.outcomes.labelled).toBe(outcomes.size);

      // The AUCs, recomputed from the predictions read back and the outcomes published.
      const predictions = await watchEvents<PredictionMade>(
        streams.kafka,
        streams.serde,
        physical(TOPICS.backfillPredictions, streams.prefix),
      );
      try {
        await eventually(
          async () => (predictions.events.length >= 2 * ENCOUNTERS ? true : undefined),
          30_000,
        );
        for (const [version, expected] of [
          ['v1', comparison.outcomes.a],
          ['v2', comparison.outcomes.b],
        ] as const) {
          const labelled = predictions.events.filter(
            (p) => p.modelVersion === version && outcomes.has(p.encounter_id),
          );
          expect(labelled).toHaveLength(outcomes.size);
          const labels = labelled.map((p) =>
            isPositive(outcomes.get(p.encounter_id) ?? 'NO', 'within-30-days') ? 1 : 0,
          );
          expect(expected.positives).toBe(labels.reduce<number>((sum, label) => sum + label, 0));
          expect(expected.rocAuc).toBeCloseTo(
            rocAuc(
              labels,
              labelled.map((p) => p.score),
            ),
            12,
          );
        }
      } finally {
        await predictions.stop();
      }
      expect(comparison.outcomes.aucDifference.aucA).toBeCloseTo(comparison.outcomes.a.rocAuc, 12);
      expect(comparison.outcomes.aucDifference.aucB).toBeCloseTo(comparison.outcomes.b.rocAuc, 12);

      // Asked again over the same (unchanged) log: both backfills are read back, not rerun.
      const again = runReadmit(args);
      expect(again.status).toBe(0);
      expect(again.stderr).toMatch(/^v1: reusing backfill /m);
      expect(again.stderr).toMatch(/^v2: reusing backfill /m);
      const reused = JSON.parse(again.stdout) as ComparisonJson;
      expect(reused.a).toMatchObject({ backfillId: report.a.backfillId, reused: true });
      expect(reused.b).toMatchObject({ backfillId: report.b.backfillId, reused: true });
      expect(reused.comparison).toEqual(comparison);

      // For people: a table, with the counts and both AUCs.
      const table = runReadmit(args.filter((arg) => arg !== '--json'));
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/^readmission: A = v1 \(champion\), B = v2$/m);
      expect(table.stdout).toMatch(/1,200 scored by both, 0 by A only, 0 by B only/);
      expect(table.stdout).toMatch(/^outcomes: 800 labelled encounters scored by both$/m);
      expect(table.stdout).toMatch(
        new RegExp(
          `^  ROC AUC +${comparison.outcomes.a.rocAuc.toFixed(3)} +${comparison.outcomes.b.rocAuc.toFixed(3)}$`,
          'm',
        ),
      );
    } finally {
      await streams.publisher.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
