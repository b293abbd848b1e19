import { createHash } from 'node:crypto';
import { FeatureEncoder, parseFeatureSpec } from '@readmit/ml';
import { labelledSample } from '../../../../test/support/sample-rows';
import type { TrainingLog } from '../infrastructure/training-log';
import { exportDataset, DatasetExportError } from './dataset-export';
import { FEATURE_COLUMN_PREFIX, featureSpecIdOf } from './dataset-tables';
import { prepareDataset, TRAINER_SEED } from './prepare-dataset';
import { trainModels } from './train-models';

const sample = labelledSample();
const RECORDED = Date.UTC(2026, 10, 1);

/** The sample as the log holds it: every encounter and outcome recorded at RECORDED. */
const log: TrainingLog = {
  encounters: sample.map(({ encounter }) => ({ encounter, recordedAt: RECORDED })),
  outcomes: sample.map(({ encounter, outcome }) => ({
    encounterId: encounter.encounter_id,
    outcome,
    recordedAt: RECORDED,
    derivation: 'REPORTED' as const,
  })),
  encounterRanges: [
    { topic: 'patient.encounters', partition: 0, fromOffset: 0, toOffset: sample.length },
  ],
  outcomeRanges: [
    { topic: 'patient.outcomes', partition: 0, fromOffset: 0, toOffset: sample.length },
  ],
  undecodable: 0,
  invalid: 0,
  misrouted: 0,
  skipped: {} as TrainingLog['skipped'],
};

async function readParquet(bytes: Uint8Array): Promise<Array<Record<string, unknown>>> {
  const { parquetReadObjects } = await import('hyparquet');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return parquetReadObjects({ file: buffer as ArrayBuffer });
}

describe('exportDataset on the real sample', () => {
  const request = { task: 'ANY_READMISSION' as const, asOf: RECORDED + 1, seed: TRAINER_SEED };
  const exported = exportDataset(log, request, Date.UTC(2026, 11, 4));
  const file = async (name: string) => (await exported).files.find((entry) => entry.name === name)!;

  it("holds exactly the trainer's split and feature spec", async () => {
    const { manifest, featureSpec } = await exported;
    const prepared = prepareDataset(sample, 'any', TRAINER_SEED);
    expect(manifest.rows).toEqual({
      train: prepared.split.train.length,
      validation: prepared.split.validation.length,
      holdout: prepared.split.holdout.length,
    });
    expect(featureSpec).toEqual(prepared.featureSpec);
    expect(manifest.featureSpecId).toBe(featureSpecIdOf(prepared.featureSpec));
    // The holdout a training run with this asOf judges on, by the digest its lineage carries.
    const run = trainModels({
      modelName: 'readmission',
      modelVersion: 'v-test',
      target: 'any',
      rows: sample,
      candidates: [{ algorithm: 'logistic-regression', l2: 10 }],
      seed: TRAINER_SEED,
      trainedAt: RECORDED,
      producerVersion: 'test',
    });
    expect(manifest.holdoutId).toBe(run.holdoutId);
    expect(manifest.lineage.encounterRanges).toEqual(log.encounterRanges);
  });

  it('writes each side as Parquet: raw columns, outcome, label and the encoded features', async () => {
    const { manifest } = await exported;
    const prepared = prepareDataset(sample, 'any', TRAINER_SEED);
    const rows = await readParquet((await file('holdout.parquet')).bytes);
    expect(rows).toHaveLength(manifest.rows.holdout);
    const first = rows[0];
    const expected = prepared.split.holdout[0];
    expect(first.encounter_id).toBe(expected.encounter.encounter_id);
    expect(first.patient_nbr).toBe(expected.encounter.patient_nbr);
    expect(first.time_in_hospital).toBe(expected.encounter.time_in_hospital);
    expect(first.readmitted).toBe(expected.outcome);
    expect(first.label).toBe(prepared.holdout.labels[0]);
    const encoded = new FeatureEncoder(prepared.featureSpec).encodeAll([expected.encounter]);
    prepared.featureSpec.featureNames.forEach((name, column) =>
      expect(first[`${FEATURE_COLUMN_PREFIX}${name}`]).toBe(encoded.values[column]),
    );
    expect(Object.keys(first)).toEqual([
      ...manifest.columns.raw,
      manifest.columns.outcome,
      manifest.columns.label,
      ...manifest.columns.features,
    ]);
  });

  it('lists every file with its digest, and the spec as JSON with its id', async () => {
    const { manifest, files } = await exported;
    for (const entry of manifest.files) {
      const bytes = files.find((candidate) => candidate.name === entry.name)!.bytes;
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    }
    const { id, ...spec } = JSON.parse(
      Buffer.from((await file('feature-spec.json')).bytes).toString(),
    ) as { id: string };
    expect(id).toBe(manifest.featureSpecId);
    expect(parseFeatureSpec(spec)).toEqual((await exported).featureSpec);
    expect(JSON.parse(Buffer.from((await file('manifest.json')).bytes).toString())).toEqual(
      manifest,
    );
  });

  it('names the same data the same: the id and digest do not depend on the export time', async () => {
    const again = await exportDataset(log, request, Date.UTC(2027, 0, 1));
    expect(again.manifest.exportId).toBe((await exported).manifest.exportId);
    expect(again.manifest.digest).toBe((await exported).manifest.digest);
    const other = await exportDataset(log, { ...request, task: 'WITHIN_30_DAYS' });
    expect(other.manifest.exportId).not.toBe((await exported).manifest.exportId);
  });

  it('refuses a time before anything was recorded, or too few rows to split, clearly', async () => {
    await expect(exportDataset(log, { ...request, asOf: RECORDED - 1 })).rejects.toThrow(
      DatasetExportError,
    );
    const three: TrainingLog = {
      ...log,
      encounters: log.encounters.slice(0, 3),
      outcomes: log.outcomes.slice(0, 3),
    };
    await expect(exportDataset(three, request)).rejects.toThrow(
      /3 labelled encounters leave .*empty: nothing to export yet/,
    );
  });
});
