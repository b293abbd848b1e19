import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './endpoints';

const CONFLUENT_KAFKA_VERSION = '2.14.0';

/**
 * What a data scientist's notebook holds, pinned: Triton's and MLflow's clients, LightGBM and
 * its ONNX converter, onnxruntime, pyarrow and pandas (issue 26's third-party clients).
 */
const MODEL_TOOLS = [
  'tritonclient[http]==2.73.0',
  'mlflow-skinny==3.18.0',
  'lightgbm==4.7.0',
  'onnxmltools==1.16.0',
  'onnx==1.23.2',
  'onnxruntime==1.32.0',
  'pyarrow==26.0.1',
  'pandas==3.1.1',
  'numpy==2.4.6',
  'scikit-learn==1.9.1',
  'skl2onnx==1.20.0',
];

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/**
 * A Python virtualenv under .readmit/tools with the given requirements from PyPI, created on first
 * use; returns its python executable. Built beside its final place and renamed into it, so two
 * jest workers creating it at once never use a half-installed one (the second rename loses and
 * its copy is removed).
 */
const TOOLS = join(PROJECT_ROOT, '.readmit', 'tools');
const CONFLUENT_VENV = `python-confluent-kafka-${CONFLUENT_KAFKA_VERSION}`;
const MODEL_TOOLS_VENV = 'python-model-tools-1';

function isComplete(name: string): boolean {
  return existsSync(join(TOOLS, name, '.complete'));
}

function pythonVenv(name: string, requirements: readonly string[]): string {
  const venv = join(TOOLS, name);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.complete'))) return python;
  mkdirSync(TOOLS, { recursive: true });
  const building = `${venv}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  // Scripts in bin/ keep the building path in their #! line: only `bin/python -m …` is used,
  // which finds its venv from where it is, so the renamed venv works.
  run('python3', ['-m', 'venv', building]);
  run(join(building, 'bin', 'python'), [
    '-m',
    'pip',
    'install',
    '-q',
    '--disable-pip-version-check',
    ...requirements,
  ]);
  run('touch', [join(building, '.complete')]);
  try {
    renameSync(building, venv);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(venv, '.complete'))) throw error;
  }
  return python;
}

/** Confluent's own client (confluent-kafka with its Avro deserializer). */
export function pythonWithConfluentClient(): string {
  return pythonVenv(CONFLUENT_VENV, [
    `confluent-kafka[avro,schemaregistry]==${CONFLUENT_KAFKA_VERSION}`,
  ]);
}

/** tritonclient[http], mlflow-skinny, LightGBM, onnxmltools, onnxruntime, pyarrow, pandas. */
export function pythonWithModelTools(): string {
  return pythonVenv(MODEL_TOOLS_VENV, MODEL_TOOLS);
}

/** Builds every virtualenv the tests use before they run, saying so when one is missing. */
export function preparePythonClients(log: (line: string) => void): void {
  const builds: Array<[string, () => string]> = [
    [CONFLUENT_VENV, pythonWithConfluentClient],
    [MODEL_TOOLS_VENV, pythonWithModelTools],
  ];
  for (const [name, build] of builds) {
    if (isComplete(name)) continue;
    log(
      `Building the Python virtualenv ${name} for the third-party client tests (first run only)…`,
    );
    const started = Date.now();
    build();
    log(`  ${name}: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}
