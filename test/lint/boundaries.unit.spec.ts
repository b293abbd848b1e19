import { lintTexts, type LintCase, type LintMessage } from './lint-texts';

const RULE = 'no-restricted-imports';

/** A file that imports `from` and uses what it imports. */
const importing = (from: string): string => `import { x } from '${from}';\nexport const y = x;\n`;

/** Imports the service boundaries refuse, each from a file of the repository. */
const REFUSED: readonly LintCase[] = [
  // A service reaching into another service's source by relative path.
  {
    filePath: 'services/gateway/src/domain/x.ts',
    code: importing('../../../scoring/src/domain/predictions'),
  },
  { filePath: 'services/backfill/src/x.ts', code: importing('../../scoring/src/scoring.module') },
  // …by the base-URL path, or by re-exporting it.
  { filePath: 'services/monitor/src/x.ts', code: importing('services/ingest/src/x') },
  { filePath: 'services/trainer/src/x.ts', code: "export * from '../../registry/src/x';\n" },
  // A service importing another service's public entry: only the CLI may.
  { filePath: 'services/gateway/src/x.ts', code: importing('@readmit/scoring') },
  { filePath: 'services/registry/src/x.ts', code: importing('@readmit/trainer') },
  // The CLI too goes through the entry, never into the source.
  {
    filePath: 'services/cli/src/commands/x.ts',
    code: importing('../../../backfill/src/application/backfill-run'),
  },
  // Libraries import no service at all.
  { filePath: 'services/ml/src/x.ts', code: importing('@readmit/ingest') },
  { filePath: 'services/platform/src/kafka/x.ts', code: importing('../../../gateway/src/x') },
  { filePath: 'contracts/src/x.ts', code: importing('@readmit/registry') },
];

/** Imports the boundaries let through. */
const ALLOWED: readonly LintCase[] = [
  { filePath: 'services/gateway/src/x.ts', code: importing('@readmit/platform/kafka') },
  { filePath: 'services/gateway/src/x.ts', code: importing('@readmit/ml') },
  { filePath: 'services/gateway/src/x.ts', code: importing('@readmit/contracts') },
  { filePath: 'services/cli/src/commands/x.ts', code: importing('@readmit/backfill') },
  // A service's own source, however deep.
  { filePath: 'services/scoring/src/application/x.ts', code: importing('../domain/x') },
  { filePath: 'services/gateway/src/console/domain/x.ts', code: importing('../../domain/x') },
  // Tests that run several services live in test/.
  { filePath: 'test/integration/x.int.spec.ts', code: importing('../../services/scoring/src/x') },
];

const describeCase = ({ filePath, code }: LintCase): string =>
  `${code.match(/from '([^']+)'/)?.[1]} in ${filePath}`;

describe('service boundaries (eslint.config.mjs)', () => {
  let refused: readonly LintMessage[][] = [];
  let allowed: readonly LintMessage[][] = [];

  beforeAll(async () => {
    const found = await lintTexts([...REFUSED, ...ALLOWED]);
    refused = found.slice(0, REFUSED.length);
    allowed = found.slice(REFUSED.length);
  }, 120_000);

  it.each(REFUSED.map((refusal, index) => [describeCase(refusal), index] as const))(
    'refuses %s',
    (_name, index) => {
      expect(refused[index].map((message) => message.ruleId)).toContain(RULE);
    },
  );

  it.each(ALLOWED.map((allowance, index) => [describeCase(allowance), index] as const))(
    'allows %s',
    (_name, index) => {
      expect(allowed[index].filter((message) => message.ruleId === RULE)).toEqual([]);
    },
  );
});
