// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.readmit/', 'coverage/', 'infra/**/target/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    // Domain code and the ML library stay pure (STYLE.md rule 4): no I/O frameworks, no platform
    // adapters, no threads, no environment, no clock and no randomness of their own. Time,
    // randomness and settings come in from the caller, so the same inputs decide the same way.
    // `**/domain/**` also covers nested domain folders (gateway/src/console/domain, …); a
    // projection's evolve and its row shapes are pure too.
    files: [
      'services/*/src/**/domain/**/*.ts',
      'services/*/src/projections/*/evolve.ts',
      'services/*/src/projections/*/*-rows.ts',
      'services/ml/**/*.ts',
      'services/fhir/**/*.ts',
    ],
    // Tests of pure code may read fixtures from disk; the code under test may not.
    ignores: ['**/*.spec.ts'],
    rules: {
      // The typescript-eslint rule rather than the core one, so a block that restricts imports for
      // other reasons (cross-service imports) does not replace this one: both apply.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*',
                'kafkajs',
                'typeorm',
                'pg',
                'onnxruntime-node',
                'prom-client',
                '@aws-sdk/*',
                'node:fs',
                'fs',
                'node:net',
                'net',
                'node:http',
                'http',
              ],
              message: 'Domain and ML code must stay pure: no I/O frameworks.',
            },
            {
              group: ['@readmit/platform', '@readmit/platform/*'],
              message:
                'Domain and ML code must stay pure: @readmit/platform holds the I/O adapters; let the caller use them.',
            },
            {
              group: ['worker_threads', 'node:worker_threads'],
              message: 'Domain and ML code must stay pure: threads belong to the caller.',
            },
            {
              group: ['process', 'node:process'],
              message: 'Domain and ML code must stay pure: pass settings in from the caller.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'Domain and ML code must stay pure: pass settings in from the caller.',
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'Domain and ML code must stay pure: take the time from the caller.',
        },
        {
          object: 'Math',
          property: 'random',
          message: 'Domain and ML code must stay pure: take a seeded random from the caller.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "NewExpression[callee.type='Identifier'][callee.name='Date'][arguments.length=0]",
          message: 'Domain and ML code must stay pure: take the time from the caller.',
        },
        {
          selector: "CallExpression[callee.type='Identifier'][callee.name='Date']",
          message: 'Domain and ML code must stay pure: take the time from the caller.',
        },
      ],
    },
  },
  // No service imports another service's source (issue 22). What two services share lives in a
  // library (@readmit/platform, @readmit/ml, @readmit/contracts); only the CLI uses a service, and
  // only through its public entry @readmit/<service>; libraries use no service; tests that run
  // several services live in test/. The core no-restricted-imports rule (the purity block above
  // uses typescript-eslint's), set once per file: one block per service and one for the libraries.
  ...(() => {
    const services = [
      'backfill',
      'cli',
      'gateway',
      'ingest',
      'monitor',
      'registry',
      'scoring',
      'trainer',
    ];
    const sourceOf = (names) =>
      `^(\\.\\./)+(services/)?(${names.join('|')})/src(/|$)|^services/(${names.join('|')})/`;
    const entryOf = (names) => `^@readmit/(${names.join('|')})(/|$)`;
    const restrict = (files, patterns) => ({
      files,
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    });
    const shared =
      'share it through a library (@readmit/platform, @readmit/ml, @readmit/fhir, @readmit/contracts)';
    return [
      ...services.map((service) => {
        const others = services.filter((other) => other !== service);
        const files = [`services/${service}/**/*.{ts,js}`];
        if (service === 'cli')
          return restrict(files, [
            {
              regex: sourceOf(others),
              message: `Another service's source: import its public entry @readmit/<service>, or ${shared}.`,
            },
          ]);
        return restrict(files, [
          {
            regex: sourceOf(others),
            message: `Another service's source: ${shared}; tests that run several services go in test/.`,
          },
          {
            regex: entryOf(others),
            message: `Only the CLI imports a service's public entry: ${shared}.`,
          },
        ]);
      }),
      restrict(
        [
          'services/platform/**/*.{ts,js}',
          'services/ml/**/*.{ts,js}',
          'services/fhir/**/*.{ts,js}',
          'contracts/**/*.{ts,js}',
        ],
        [
          {
            regex: `${sourceOf(services)}|${entryOf(services)}`,
            message: 'Libraries (platform, ml, fhir, contracts) do not import services.',
          },
        ],
      ),
    ];
  })(),
  {
    files: ['bin/**/*.js', '**/*.cjs', 'jest.config.js', 'test/jest/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
