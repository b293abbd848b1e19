// Regenerates contracts/src/generated from the .avsc files: `npm run contracts:generate`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_ROOT, renderGeneratedFiles } from '../src/contract-sources';

for (const [file, content] of Object.entries(renderGeneratedFiles())) {
  writeFileSync(join(GENERATED_ROOT, file), content);
  console.log(`wrote contracts/src/generated/${file}`);
}
