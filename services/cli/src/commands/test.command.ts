import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { InfraManager } from '../infra/infra-manager';
import { ensureChromiumInstalled } from '../infra/prerequisites';
import { PROJECT_ROOT } from '../project-root';
import { createInfraContext } from './infra.command';

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
          // Path filters before --selectProjects, which takes every name after it. The secured
          // slice runs on its own: its setup points READMIT_KAFKA_BROKERS at its own broker.
          ['npx', ['jest', ...jestArgs, '--selectProjects', 'unit', 'integration']],
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

function runSteps(steps: ReadonlyArray<readonly [string, readonly string[]]>): number {
  for (const [command, args] of steps) {
    console.log(`\n$ ${command} ${args.join(' ')}`);
    const result = spawnSync(command, [...args], { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (result.status !== 0) return result.status ?? 1;
  }
  return 0;
}
