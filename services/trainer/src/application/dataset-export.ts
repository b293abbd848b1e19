import { createHash } from 'node:crypto';
import type { OffsetRange, TrainingRequested } from '@readmit/contracts';
import { FEATURE_SPEC_VERSION, type FeatureSpec, type ReadmissionTarget } from '@readmit/ml';
import { assembleTrainingSet, type SplitFractions } from '../domain/training-set';
import type { TrainingLog } from '../infrastructure/training-log';
import { parquetBytes } from '../infrastructure/parquet-file';
import {
  FEATURE_COLUMN_PREFIX,
  featureSpecIdOf,
  LABEL_COLUMN,
  OUTCOME_COLUMN,
  rawColumnTypes,
  sideTable,
} from './dataset-tables';
import { DEFAULT_FRACTIONS, prepareDataset } from './prepare-dataset';

export type ReadmissionTask = TrainingRequested['task'];

export const TARGET_OF_TASK: Readonly<Record<ReadmissionTask, ReadmissionTarget>> = {
  WITHIN_30_DAYS: 'within-30-days',
  ANY_READMISSION: 'any',
};

export const DATASET_FORMAT = 'readmit.dataset/1';
const SIDES = ['train', 'validation', 'holdout'] as const;

export interface DatasetExportRequest {
  readonly task: ReadmissionTask;
  /** Only what was recorded by this time, as a training run with this asOf sees it. */
  readonly asOf: number;
  /** The trainer's split seed (its READMIT_TRAINER_SEED, 1 by default). */
  readonly seed: number;
  readonly fractions?: SplitFractions;
}

export interface DatasetFileEntry {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Rows of a Parquet file. */
  readonly rows?: number;
}

/** What an export is: enough to tell whether two exports hold the same data, and where from. */
export interface DatasetManifest {
  readonly format: typeof DATASET_FORMAT;
  /** `ds-` and 16 hex characters of `digest`: the same log and request give the same id. */
  readonly exportId: string;
  /** SHA-256 over the request and every file's digest (not the export's time). */
  readonly digest: string;
  readonly task: ReadmissionTask;
  readonly target: ReadmissionTarget;
  readonly asOf: string;
  readonly seed: number;
  readonly fractions: SplitFractions;
  readonly featureSpecId: string;
  readonly featureSpecVersion: number;
  readonly rows: Readonly<Record<(typeof SIDES)[number], number>>;
  readonly leftOut: {
    readonly unlabelled: number;
    readonly outcomesAfterAsOf: number;
    readonly immature: number;
  };
  /** Digest of the holdout's encounter ids, as TrainingCompleted's lineage names it. */
  readonly holdoutId: string;
  readonly lineage: {
    readonly encounterRanges: OffsetRange[];
    readonly outcomeRanges: OffsetRange[];
  };
  readonly columns: {
    readonly raw: string[];
    readonly outcome: string;
    readonly label: string;
    readonly features: string[];
  };
  readonly files: DatasetFileEntry[];
  readonly exportedAt: string;
}

export interface DatasetFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface DatasetExport {
  readonly manifest: DatasetManifest;
  readonly featureSpec: FeatureSpec;
  /** train/validation/holdout.parquet, feature-spec.json and manifest.json. */
  readonly files: DatasetFile[];
}

/** A request no export can answer (nothing labelled yet): the caller's to fix, not a fault. */
export class DatasetExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetExportError';
  }
}

const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * The training set a run with this request's asOf would use, as files: one Parquet file per
 * side of the patient-grouped split (raw columns, outcome, label, encoded features), the fitted
 * feature spec, and a manifest with the log offsets read and a digest. Built by the same
 * functions as the trainer's runs (assembleTrainingSet, prepareDataset), so rows, split and
 * encoding are the trainer's own.
 */
export async function exportDataset(
  log: TrainingLog,
  request: DatasetExportRequest,
  now: number = Date.now(),
): Promise<DatasetExport> {
  const target = TARGET_OF_TASK[request.task];
  const fractions = request.fractions ?? DEFAULT_FRACTIONS;
  const set = assembleTrainingSet(log.encounters, log.outcomes, request.asOf);
  if (set.rows.length === 0)
    throw new DatasetExportError(
      `no labelled encounters were recorded by ${new Date(request.asOf).toISOString()}`,
    );
  const prepared = prepareDataset(set.rows, target, request.seed, fractions, (split) => {
    const empty = SIDES.filter((side) => split[side].length === 0);
    if (empty.length > 0)
      throw new DatasetExportError(
        `${set.rows.length} labelled encounters leave ${empty.join(' and ')} empty: nothing to export yet`,
      );
  });
  const { featureSpec } = prepared;
  const featureSpecId = featureSpecIdOf(featureSpec);
  const rawColumns = rawColumnTypes(set.rows);
  const metadata = {
    'readmit.dataset_format': DATASET_FORMAT,
    'readmit.feature_spec_id': featureSpecId,
    'readmit.feature_spec': JSON.stringify(featureSpec),
  };
  const files: DatasetFile[] = [];
  const entries: DatasetFileEntry[] = [];
  for (const side of SIDES) {
    const table = sideTable(prepared.split[side], prepared[side], featureSpec, rawColumns);
    const bytes = await parquetBytes(table, { ...metadata, 'readmit.split': side });
    files.push({ name: `${side}.parquet`, bytes });
    entries.push({
      name: `${side}.parquet`,
      sha256: sha256(bytes),
      bytes: bytes.length,
      rows: prepared.split[side].length,
    });
  }
  const specBytes = Buffer.from(
    `${JSON.stringify({ id: featureSpecId, ...featureSpec }, null, 2)}\n`,
  );
  files.push({ name: 'feature-spec.json', bytes: specBytes });
  entries.push({ name: 'feature-spec.json', sha256: sha256(specBytes), bytes: specBytes.length });

  const digest = sha256(
    JSON.stringify({
      format: DATASET_FORMAT,
      task: request.task,
      asOf: request.asOf,
      seed: request.seed,
      fractions,
      files: entries.map(({ name, sha256: fileDigest }) => [name, fileDigest]),
    }),
  );
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    exportId: `ds-${digest.slice(0, 16)}`,
    digest,
    task: request.task,
    target,
    asOf: new Date(request.asOf).toISOString(),
    seed: request.seed,
    fractions,
    featureSpecId,
    featureSpecVersion: FEATURE_SPEC_VERSION,
    rows: {
      train: prepared.split.train.length,
      validation: prepared.split.validation.length,
      holdout: prepared.split.holdout.length,
    },
    leftOut: {
      unlabelled: set.unlabelled,
      outcomesAfterAsOf: set.outcomesAfterAsOf,
      immature: set.immature,
    },
    holdoutId: prepared.holdoutId,
    lineage: { encounterRanges: log.encounterRanges, outcomeRanges: log.outcomeRanges },
    columns: {
      raw: rawColumns.map((column) => column.name),
      outcome: OUTCOME_COLUMN,
      label: LABEL_COLUMN,
      features: featureSpec.featureNames.map((name) => `${FEATURE_COLUMN_PREFIX}${name}`),
    },
    files: entries,
    exportedAt: new Date(now).toISOString(),
  };
  files.push({
    name: 'manifest.json',
    bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
  });
  return { manifest, featureSpec, files };
}
