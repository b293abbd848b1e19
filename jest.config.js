// Test tiers by file suffix (STYLE.md rule 9): *.unit.spec.ts are pure and need no servers;
// *.int.spec.ts talk to the real local platform started by `./readmit infra up`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/** Suites of the `faults` project, left out of `integration`: a glob to match, a pattern to ignore. */
const FAULT_SUITES = [
  { match: '<rootDir>/test/faults/**/*.int.spec.ts', ignore: '/test/faults/' },
  ...[
    'services/cli/src/commands/demo.int.spec.ts',
    // Processes killed with SIGKILL mid-stream and restarted.
    'services/backfill/src/backfill.int.spec.ts',
    'services/platform/src/kafka/transactional-processor.int.spec.ts',
  ].map((path) => ({
    match: `<rootDir>/${path}`,
    ignore: `/${path.replace(/\./g, '\\.')}$`,
  })),
];

const shared = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/test/jest/node-environment.js',
  // hyparquet and hyparquet-writer (Parquet exports) ship only ES modules: compiled to CommonJS
  // for jest, as Node 22 loads them natively at run time.
  transform: { '^.+\\.ts$': swc, '/node_modules/hyparquet[^/]*/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!hyparquet)'],
  moduleNameMapper: {
    '^@readmit/platform/(.*)$': '<rootDir>/services/platform/src/$1',
    '^@readmit/contracts$': '<rootDir>/contracts/src/index.ts',
    '^@readmit/ml$': '<rootDir>/services/ml/src/index.ts',
    '^@readmit/fhir$': '<rootDir>/services/fhir/src/index.ts',
    '^@readmit/registry$': '<rootDir>/services/registry/src/index.ts',
    '^@readmit/backfill$': '<rootDir>/services/backfill/src/index.ts',
    '^@readmit/gateway$': '<rootDir>/services/gateway/src/index.ts',
    '^@readmit/ingest$': '<rootDir>/services/ingest/src/index.ts',
    '^@readmit/trainer$': '<rootDir>/services/trainer/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.readmit/'],
};

module.exports = {
  reporters: ['default', '<rootDir>/test/jest/summary-reporter.js'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      testPathIgnorePatterns: [
        ...shared.testPathIgnorePatterns,
        ...FAULT_SUITES.map(({ ignore }) => ignore),
      ],
      globalSetup: '<rootDir>/test/jest/integration-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/jest/integration-timeout.ts'],
    },
    {
      // The long fault suites (brokers killed and restarted on disposable clusters, processes
      // killed mid-stream) and the demo end to end: about half of the integration suite's time, mostly spent waiting, so
      // `./readmit test` runs them beside the other tiers rather than after them.
      ...shared,
      displayName: 'faults',
      testMatch: FAULT_SUITES.map(({ match }) => match),
      globalSetup: '<rootDir>/test/jest/faults-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/jest/integration-timeout.ts'],
    },
    {
      // A slice of the integration suite on a broker that takes only TLS + SCRAM and authorizes
      // by ACL, each service as its own principal (issue 25). Run on its own: its setup points
      // READMIT_KAFKA_BROKERS at that broker.
      ...shared,
      displayName: 'integration-secure',
      testMatch: [
        '<rootDir>/**/*.secure-int.spec.ts',
        '<rootDir>/test/integration/gateway.int.spec.ts',
        '<rootDir>/test/integration/forget-across-services.int.spec.ts',
        '<rootDir>/services/platform/src/kafka/event-consumer.int.spec.ts',
      ],
      globalSetup: '<rootDir>/test/jest/secure-kafka-setup.ts',
      globalTeardown: '<rootDir>/test/jest/secure-kafka-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/jest/integration-timeout.ts'],
    },
  ],
};
