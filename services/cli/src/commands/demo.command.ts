import { Command } from 'commander';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext, printStatus } from './infra.command';
import { createCatalogTopics } from './topics.command';

/**
 * The main job. Today it brings the local platform up, creates the topic catalog and shows the
 * servers healthy; the end-to-end loop (ingest, train, promote, score, drift, retrain) replaces
 * this as those capabilities land.
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
      await createCatalogTopics({ log: (line) => console.log(line) });
      const statuses = await manager.status();
      console.log('\nReadmit local platform:');
      printStatus(statuses);
      const healthy = statuses.every(
        (status) => status.state.kind === 'running' && status.state.healthy,
      );
      console.log(
        healthy
          ? [
              '',
              'All servers answer and the topics exist. Training, promotion, scoring and drift monitoring are not built yet,',
              'so the demo stops here. Encounters can already be published:',
              '  ./readmit produce --synthetic 10000 --drift at=5000,age=0.5',
              'Stop the servers with `./readmit infra down`.',
            ].join('\n')
          : '\nSome servers do not answer; see `./readmit infra logs <component>`.',
      );
      process.exitCode = healthy ? 0 : 1;
    });
}
