import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { buildServices } from '../demo/service-processes';
import { InfraManager } from '../infra/infra-manager';
import { ensureChromiumInstalled } from '../infra/prerequisites';
import { PROJECT_ROOT } from '../project-root';
import { createInfraContext } from './infra.command';

type Step = readonly [string, readonly string[]];

/**
 * The full test suite on a real local platform: start what is not running, run type checks, lint
 * and every jest project, then stop only what this run started.
 */
export function testCommand(): Command {
  return new Command('test')
    .description(
      'start the local platform if needed, run typecheck, lint, format check and all tests, then stop what it started',
    )
    .option('--keep-infra', 'leave the servers running afterwards')
    .argument('[jestArgs...]', 'extra arguments for jest (e.g. a path filter)')
    .action(async (jestArgs: string[], options: { keepInfra?: boolean }) => {
      const context = createInfraContext();
      // The web console's end-to-end tests run in Debian's headless Chromium.
      ensureChromiumInstalled(context.log);
      const manager = new InfraManager(context);
      const { started } = await manager.up();
      let exitCode = 1;
      try {
        exitCode = runSteps([
          ['npm', ['run', '--silent', 'typecheck']],
          ['npm', ['run', '--silent', 'lint']],
          ['npm', ['run', '--silent', 'format:check']],
        ]);
        if (exitCode === 0) exitCode = await runJest(jestArgs, context.paths.log('test-faults'));
        // The secured slice runs on its own: its setup points READMIT_KAFKA_BROKERS at its own
        // broker. Path filters go before --selectProjects, which takes every name after it.
        if (exitCode === 0)
          exitCode = runSteps([
            [
              'npx',
              ['jest', ...jestArgs, '--passWithNoTests', '--selectProjects', 'integration-secure'],
            ],
          ]);
      } finally {
        if (!options.keepInfra && started.length > 0) await manager.down(started);
      }
      process.exitCode = exitCode;
    });
}

/**
 * Every tier but the secured slice. With a path filter, one jest run. Without, two at once: the
 * fault suites and the demo (the `faults` project: long, on disposable clusters, mostly waiting)
 * beside the unit and integration tiers, which on two cores takes a third less time than one
 * after the other. The faults lane's output goes to a log, printed whole when both are done.
 */
async function runJest(jestArgs: readonly string[], faultsLog: string): Promise<number> {
  if (jestArgs.length > 0)
    return runSteps([
      ['npx', ['jest', ...jestArgs, '--selectProjects', 'unit', 'integration', 'faults']],
    ]);
  // Both lanes start services from the build: build it once, before they race to.
  buildServices(PROJECT_ROOT, (line) => console.log(line));
  mkdirSync(dirname(faultsLog), { recursive: true });
  console.log(`\n$ npx jest --selectProjects faults   (beside the next run; output: ${faultsLog})`);
  const faults = runToFile(['npx', ['jest', '--selectProjects', 'faults']], faultsLog);
  console.log('\n$ npx jest --selectProjects unit integration');
  const main = runLive(['npx', ['jest', '--selectProjects', 'unit', 'integration']]);
  const [mainExit, faultsExit] = await Promise.all([main, faults]);
  console.log(`\n== the faults lane (${faultsLog}):\n`);
  process.stdout.write(readFileSync(faultsLog));
  console.log(
    `\njest lanes: unit + integration ${mainExit === 0 ? 'passed' : `failed (exit ${mainExit})`}; faults ${faultsExit === 0 ? 'passed' : `failed (exit ${faultsExit})`}`,
  );
  return mainExit !== 0 ? mainExit : faultsExit;
}

function runLive([command, args]: Step): Promise<number> {
  const child = spawn(command, [...args], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  return exitOf(child);
}

function runToFile([command, args]: Step, file: string): Promise<number> {
  const out = createWriteStream(file);
  const child = spawn(command, [...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return exitOf(child).then(
    (code) => new Promise<number>((resolve) => out.end(() => resolve(code))),
  );
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function runSteps(steps: readonly Step[]): number {
  for (const [command, args] of steps) {
    console.log(`\n$ ${command} ${args.join(' ')}`);
    const result = spawnSync(command, [...args], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}
