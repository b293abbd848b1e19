// Runs one training run on a worker thread, so the trainer's event loop stays free for Kafka
// heartbeats, health checks and metrics while the CPU trains. The champion is scored here too,
// because the holdout rows it is judged on never leave this thread.
import { parentPort, workerData } from 'node:worker_threads';
import { trainModels, TrainingError } from '../application/train-models';
import { evaluateChampion } from './champion-evaluation';
import type { TrainingJob, TrainingWorkerReply } from './train-in-worker';

const port = parentPort;
if (!port) throw new Error('training.worker runs as a worker thread');
const reply = (message: TrainingWorkerReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

async function run({ input, champion }: TrainingJob): Promise<void> {
  const { holdout, ...result } = trainModels(input, (stage, detail) =>
    reply({ type: 'progress', stage, detail }),
  );
  const verdict = champion ? await evaluateChampion(champion, holdout, input.target) : null;
  reply({ type: 'done', result: { ...result, champion: verdict } }, [
    result.artifact.buffer as ArrayBuffer,
  ]);
}

run(workerData as TrainingJob).catch((error: unknown) =>
  reply({
    type: 'failed',
    stage: error instanceof TrainingError ? error.stage : 'train',
    message: (error as Error).message,
  }),
);
