import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { readPid, stopProcess } from '../../services/cli/src/infra/process-control';

/** Stops the slice's secured broker and deletes its data, CA and users (READMIT_TEST_KEEP_SECURE_BROKER keeps them). */
export default async function secureKafkaTeardown(): Promise<void> {
  const file = process.env.READMIT_TEST_SECURE_KAFKA_FILE;
  if (!file) return;
  // To read the broker's log (authorizer denials, failed authentications) after a run.
  if (process.env.READMIT_TEST_KEEP_SECURE_BROKER) {
    console.log(`kept the secured broker and its users: ${file}`);
    return;
  }
  const { home, pidFile } = JSON.parse(readFileSync(file, 'utf8')) as {
    home: string;
    pidFile: string;
  };
  const pid = readPid(pidFile);
  if (pid !== undefined) await stopProcess(pid, 20_000);
  rmSync(home, { recursive: true, force: true });
  rmSync(dirname(file), { recursive: true, force: true });
}
