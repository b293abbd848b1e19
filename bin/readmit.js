#!/usr/bin/env node
// The `readmit` CLI runs its TypeScript sources through tsx, so no build step stands between a
// fresh clone and the first command. tsx reads the repository's tsconfig for the path aliases.
const path = require('node:path');
process.env.TSX_TSCONFIG_PATH = path.join(__dirname, '..', 'tsconfig.json');
require('tsx/cjs');
require('../services/cli/src/main.ts');
