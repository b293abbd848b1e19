import { Command } from 'commander';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext, printStatus } from './infra.command';

/**
 * The main job. Today it brings the local platform up and shows it healthy; the end-to-end loop
 * (ingest, train, promote, score, drift, retrain) replaces this as those capabilities land.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run the main job on the local platform (currently: bring the platform up and check it)',
    )
    .action(async () => {
      const context = createInfraContext();
      const manager = new InfraManager(context);
      await manager.up();
      const statuses = await manager.status();
      console.log('\nReadmit local platform:');
      printStatus(statuses);
      const healthy = statuses.every(
        (status) => status.state.kind === 'running' && status.state.healthy,
      );
      console.log(
        healthy
          ? '\nAll servers answer. The streaming pipeline (ingest → train → promote → score → drift → retrain) is not built yet, so the demo stops here.\nStop the servers with `./readmit infra down`.'
          : '\nSome servers do not answer; see `./readmit infra logs <component>`.',
      );
      process.exitCode = healthy ? 0 : 1;
    });
}
