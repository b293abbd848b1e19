// The trainer's public entry (@readmit/trainer): what the CLI's `train` command may call (a run
// in the CLI's own process). Other services never import it (eslint.config.mjs).
export { TrainingRunner } from './application/training-runner';
// The CLI's `datasets export` builds an export in its own process, exactly as the trainer would.
export {
  DatasetExportError,
  exportDataset,
  type DatasetExport,
  type DatasetManifest,
} from './application/dataset-export';
export { TRAINER_SEED } from './application/prepare-dataset';
export { readTrainingLog } from './infrastructure/training-log';
