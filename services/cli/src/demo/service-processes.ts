import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { registerScrapeTarget } from '../infra/scrape-targets';
import type { LoopService, RunningService, ServiceLauncher } from './closed-loop';

/** The newest modification time under these folders, of the files the build compiles. */
function newestSource(folders: readonly string[]): number {
  let newest = 0;
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (
        entry.name.endsWith('.ts') ||
        entry.name.endsWith('.json') ||
        entry.name.endsWith('.avsc')
      ) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  for (const folder of folders) if (existsSync(folder)) walk(folder);
  return newest;
}

/**
 * Compiles the services as the Docker image does (`nest build`), unless the build output is newer
 * than every source: Nest's dependency injection needs the decorator metadata that only a real
 * TypeScript build emits.
 */
export function buildServices(root: string, log: (line: string) => void): void {
  const stamp = join(root, 'dist', '.readmit-build');
  const sources = newestSource([join(root, 'services'), join(root, 'contracts')]);
  if (existsSync(stamp) && statSync(stamp).mtimeMs > sources) return;
  log('Building the services (nest build, as the Docker image does)…');
  const build = spawnSync(join(root, 'node_modules', '.bin', 'nest'), ['build', 'gateway'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0) throw new Error('nest build failed (see above)');
  writeFileSync(stamp, new Date().toISOString());
}

/** A TCP port free on this machine right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts services from the build output, one process each as the Docker image runs them, with
 * their logs in `logFolder/<service>.log`; a service counts as started once /health answers.
 * With a `scrapeTargets` folder, each running service is registered there for the local
 * Prometheus (monitoring profile) and unregistered when it stops.
 */
export function processLauncher(
  root: string,
  logFolder: string,
  scrapeTargets?: string,
): ServiceLauncher {
  mkdirSync(logFolder, { recursive: true });
  return async (name: LoopService, env: Record<string, string>): Promise<RunningService> => {
    const port = await freePort();
    const logFile = join(logFolder, `${name}.log`);
    const log = createWriteStream(logFile);
    await new Promise((resolve) => log.once('open', resolve));
    const child = spawn(
      process.execPath,
      [join(root, 'dist', 'services', name, 'src', 'main.js')],
      {
        cwd: root,
        env: { PATH: process.env.PATH, ...env, READMIT_HTTP_PORT: String(port) },
        stdio: ['ignore', log, log],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) {
        const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        throw new Error(
          `${name} exited with code ${child.exitCode} while starting; ${logFile} ends with:\n${tail}`,
        );
      }
      const healthy = await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not answer /health within 60 s; see ${logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const unregister = scrapeTargets
      ? registerScrapeTarget(scrapeTargets, name, url)
      : () => undefined;
    return {
      name,
      url,
      stop: async () => {
        unregister();
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
        log.end();
      },
    };
  };
}
