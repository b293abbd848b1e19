import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Source text to lint as if it were the file at `filePath` (relative to the repository root). */
export interface LintCase {
  readonly code: string;
  readonly filePath: string;
}

export interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
}

// ESLint loads eslint.config.mjs with a dynamic import(), which jest's module sandbox refuses
// without --experimental-vm-modules. So its Node API runs in a plain Node process, once for all
// cases (loading typescript-eslint takes a few seconds).
const LINT_IN_NODE = `
import { ESLint } from 'eslint';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint({ cwd: process.cwd() });
const found = [];
for (const { code, filePath } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath });
  found.push(result.messages.map(({ ruleId, message }) => ({ ruleId, message })));
}
process.stdout.write(JSON.stringify(found));
`;

/** The messages ESLint, with the repository's own config, reports for each case, in order. */
export async function lintTexts(cases: readonly LintCase[]): Promise<LintMessage[][]> {
  const run = promisify(execFile);
  const child = run(process.execPath, ['--input-type=module', '--eval', LINT_IN_NODE], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  child.child.stdin?.end(
    JSON.stringify(cases.map((c) => ({ ...c, filePath: resolve(REPO_ROOT, c.filePath) }))),
  );
  const { stdout } = await child;
  return JSON.parse(stdout) as LintMessage[][];
}
