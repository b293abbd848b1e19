// Runs one training run on a worker thread, so the trainer's event loop stays free for Kafka
// heartbeats, health checks and metrics while the CPU trains.
import { parentPort, workerData } from 'node:worker_threads';
import { trainModels, TrainingError, type TrainModelsInput } from '../application/train-models';
import type { TrainingWorkerReply } from './train-in-worker';

const port = parentPort;
if (!port) throw new Error('training.worker runs as a worker thread');
const reply = (message: TrainingWorkerReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

try {
  const result = trainModels((workerData as { input: TrainModelsInput }).input, (stage, detail) =>
    reply({ type: 'progress', stage, detail }),
  );
  reply({ type: 'done', result }, [result.artifact.buffer as ArrayBuffer]);
} catch (error) {
  reply({
    type: 'failed',
    stage: error instanceof TrainingError ? error.stage : 'train',
    message: (error as Error).message,
  });
}
