import { resolve } from 'node:path';

/** The repository root (this file is services/cli/src/project-root.ts). */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');
