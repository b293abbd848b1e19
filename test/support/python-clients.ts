import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './endpoints';

const CONFLUENT_KAFKA_VERSION = '2.14.0';

/**
 * A Python virtualenv with Confluent's own client (confluent-kafka with its Avro deserializer),
 * under .readmit/tools; created on first use from PyPI. Returns its python executable.
 */
export function pythonWithConfluentClient(): string {
  const venv = join(
    PROJECT_ROOT,
    '.readmit',
    'tools',
    `python-confluent-kafka-${CONFLUENT_KAFKA_VERSION}`,
  );
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.complete'))) return python;
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  };
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), [
    'install',
    '-q',
    '--disable-pip-version-check',
    `confluent-kafka[avro,schemaregistry]==${CONFLUENT_KAFKA_VERSION}`,
  ]);
  run('touch', [join(venv, '.complete')]);
  return python;
}
