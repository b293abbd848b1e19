import { join } from 'node:path';
import { startWorker } from '@readmit/platform/workers';
import {
  TrainingError,
  type TrainingProgress,
  type TrainModelsInput,
  type TrainModelsResult,
} from '../application/train-models';
import type { ChampionArtifact, ChampionVerdict } from './champion-evaluation';

/** What the training thread is given: the run, and the champion to judge on its holdout. */
export interface TrainingJob {
  readonly input: TrainModelsInput;
  readonly champion: ChampionArtifact | null;
}

/**
 * What comes back: the run without its holdout rows (patient data stays on the training
 * thread), and the champion's verdict (null when there was no champion).
 */
export type TrainedRun = Omit<TrainModelsResult, 'holdout'> & {
  readonly champion: ChampionVerdict | null;
};

export type TrainingWorkerReply =
  | { readonly type: 'progress'; readonly stage: string; readonly detail: string }
  | { readonly type: 'done'; readonly result: TrainedRun }
  | { readonly type: 'failed'; readonly stage: string; readonly message: string };

/** trainModels (then the champion's evaluation) on a worker thread of its own; progress comes back as it happens. */
export function trainInWorker(job: TrainingJob, progress?: TrainingProgress): Promise<TrainedRun> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(join(__dirname, 'training.worker'), __filename, job);
    let settled = false;
    worker.on('message', (message: TrainingWorkerReply) => {
      if (message.type === 'progress') progress?.(message.stage, message.detail);
      else if (message.type === 'done') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new TrainingError(message.stage, message.message));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new TrainingError('train', error.message));
    });
    worker.on('exit', (code) => {
      if (!settled)
        reject(new TrainingError('train', `the training thread stopped (exit ${code})`));
    });
  });
}
