import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of ours, `entry` given without extension next to the
 * caller's file. From TypeScript sources (the CLI, tests and benches run through tsx) the worker
 * registers tsx before loading the .ts file; a compiled build loads the .js file directly.
 */
export function startWorker(
  entryWithoutExtension: string,
  callerFile: string,
  workerData: object,
): Worker {
  const fromSources = callerFile.endsWith('.ts');
  const entry = `${entryWithoutExtension}${fromSources ? '.ts' : '.js'}`;
  const loader = fromSources ? require.resolve('tsx/cjs') : null;
  return new Worker(
    `const { workerData } = require('node:worker_threads');
     if (workerData.loader) require(workerData.loader);
     require(workerData.entry);`,
    { eval: true, workerData: { ...workerData, entry, loader } },
  );
}
