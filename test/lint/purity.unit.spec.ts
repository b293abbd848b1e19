import { lintTexts, type LintCase, type LintMessage } from './lint-texts';

const IMPORTS = '@typescript-eslint/no-restricted-imports';

/** Code that breaks one purity rule, and the rule that must say so. */
const IMPURE: ReadonlyArray<{
  readonly name: string;
  readonly code: string;
  readonly rule: string;
}> = [
  {
    name: 'Date.now()',
    code: 'export const now = Date.now();\n',
    rule: 'no-restricted-properties',
  },
  {
    name: 'Math.random()',
    code: 'export const draw = Math.random();\n',
    rule: 'no-restricted-properties',
  },
  {
    name: 'new Date() without an argument',
    code: 'export const today = new Date();\n',
    rule: 'no-restricted-syntax',
  },
  { name: 'Date() called', code: 'export const today = Date();\n', rule: 'no-restricted-syntax' },
  {
    name: 'process.env.X',
    code: 'export const mode = process.env.X;\n',
    rule: 'no-restricted-globals',
  },
  {
    name: 'an import of node:process',
    code: "import { env } from 'node:process';\nexport const mode = env.X;\n",
    rule: IMPORTS,
  },
  {
    name: "an import of @readmit/platform's root",
    code: "import { newEnvelope } from '@readmit/platform';\nexport const envelope = newEnvelope;\n",
    rule: IMPORTS,
  },
  {
    name: 'an import of a @readmit/platform subpath',
    code: "import { EventSerde } from '@readmit/platform/kafka';\nexport const serde = EventSerde;\n",
    rule: IMPORTS,
  },
  {
    name: 'a type-only import of @readmit/platform',
    code: "import type { Projection } from '@readmit/platform';\nexport type Read = Projection;\n",
    rule: IMPORTS,
  },
  {
    name: 'an import of node:worker_threads',
    code: "import { Worker } from 'node:worker_threads';\nexport const thread = Worker;\n",
    rule: IMPORTS,
  },
  {
    name: 'an import of worker_threads',
    code: "import { Worker } from 'worker_threads';\nexport const thread = Worker;\n",
    rule: IMPORTS,
  },
  {
    name: 'an import of kafkajs',
    code: "import { Kafka } from 'kafkajs';\nexport const client = Kafka;\n",
    rule: IMPORTS,
  },
];

/** Where the fence stands: domain folders at any depth, and the ML library. */
const FENCED = [
  'services/scoring/src/domain/x.ts',
  'services/gateway/src/console/domain/x.ts',
  'services/registry/src/orchestration/domain/x.ts',
  'services/registry/src/projections/registry/evolve.ts',
  'services/ml/src/x.ts',
];

/** Application code may do all of it. */
const UNFENCED = 'services/scoring/src/application/x.ts';

/** Pure code the fence must let through: a Date made from a given time is a conversion. */
const PURE = 'export const at = (ms: number): string => new Date(ms).toISOString();\n';

describe('the purity fence (eslint.config.mjs)', () => {
  const cases: LintCase[] = [
    ...IMPURE.flatMap(({ code }) => [...FENCED, UNFENCED].map((filePath) => ({ code, filePath }))),
    ...FENCED.map((filePath) => ({ code: PURE, filePath })),
    // Tests of pure code are outside the fence (they may read fixtures, time themselves).
    { code: IMPURE[0].code, filePath: 'services/registry/src/domain/x.unit.spec.ts' },
  ];
  let found: ReadonlyMap<string, readonly LintMessage[]> = new Map();
  const messagesFor = (code: string, filePath: string): readonly LintMessage[] => {
    const messages = found.get(`${filePath}\n${code}`);
    if (!messages) throw new Error(`${filePath} was not linted`);
    return messages;
  };

  beforeAll(async () => {
    const results = await lintTexts(cases);
    found = new Map(cases.map((c, index) => [`${c.filePath}\n${c.code}`, results[index]]));
  }, 120_000);

  describe.each(FENCED)('in %s', (filePath) => {
    it.each(IMPURE.map((impure) => [impure.name, impure] as const))(
      'refuses %s',
      (_name, { code, rule }) => {
        expect(messagesFor(code, filePath)).toContainEqual({
          ruleId: rule,
          message: expect.stringContaining('must stay pure'),
        });
      },
    );

    it('lets pure code through', () => {
      expect(messagesFor(PURE, filePath)).toEqual([]);
    });
  });

  it.each(IMPURE.map((impure) => [impure.name, impure.code] as const))(
    `allows %s in ${UNFENCED}`,
    (_name, code) => {
      expect(messagesFor(code, UNFENCED)).toEqual([]);
    },
  );

  it('leaves the tests of domain code outside the fence', () => {
    expect(messagesFor(IMPURE[0].code, 'services/registry/src/domain/x.unit.spec.ts')).toEqual([]);
  });
});
