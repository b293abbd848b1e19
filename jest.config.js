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

const shared = {
  rootDir: __dirname,
  testEnvironment: '<rootDir>/test/jest/node-environment.js',
  transform: { '^.+\\.ts$': swc },
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
      globalSetup: '<rootDir>/test/jest/integration-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/jest/integration-timeout.ts'],
    },
  ],
};
