import { join } from 'node:path';
import { startWorker } from '@readmit/platform';
import {
  TrainingError,
  type TrainingProgress,
  type TrainModelsInput,
  type TrainModelsResult,
} from '../application/train-models';

export type TrainingWorkerReply =
  | { readonly type: 'progress'; readonly stage: string; readonly detail: string }
  | { readonly type: 'done'; readonly result: TrainModelsResult }
  | { readonly type: 'failed'; readonly stage: string; readonly message: string };

/** trainModels on a worker thread of its own; progress comes back as it happens. */
export function trainInWorker(
  input: TrainModelsInput,
  progress?: TrainingProgress,
): Promise<TrainModelsResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(join(__dirname, 'training.worker'), __filename, { input });
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
