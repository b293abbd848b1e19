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
    // Domain code and the ML library stay free of I/O frameworks (STYLE.md rule 4).
    files: ['services/*/src/domain/**/*.ts', 'services/ml/**/*.ts'],
    // Tests of pure code may read fixtures from disk; the code under test may not.
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
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
          ],
        },
      ],
    },
  },
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
