// The trainer's public entry (@readmit/trainer): what the CLI's `train` command may call (a run
// in the CLI's own process). Other services never import it (eslint.config.mjs).
export { TrainingRunner } from './application/training-runner';
