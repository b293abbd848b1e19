import { Command } from 'commander';
import { InfraManager } from '../infra/infra-manager';
import { createInfraContext, printStatus } from './infra.command';
import { printOutcome, withRegistry } from './models.command';
import { printSummary, produceEvents } from './produce.command';
import { createCatalogTopics } from './topics.command';
import { train } from './train.command';

const DEMO_ENCOUNTERS = 20_000;

/**
 * The main job, as far as the platform goes today: bring the local platform up, publish a day's
 * worth of synthetic encounters with their outcomes, train models on the log and store the best
 * one. Promotion, scoring and drift monitoring join the loop as they land.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run the main job on the local platform: bring it up, publish encounters, train and store a model',
    )
    .action(async () => {
      const context = createInfraContext();
      const manager = new InfraManager(context);
      await manager.up();
      await createCatalogTopics({ log: (line) => console.log(line) });
      const statuses = await manager.status();
      console.log('\nReadmit local platform:');
      printStatus(statuses);
      if (!statuses.every((status) => status.state.kind === 'running' && status.state.healthy)) {
        console.log('\nSome servers do not answer; see `./readmit infra logs <component>`.');
        process.exitCode = 1;
        return;
      }

      console.log(`\n1. Publishing ${DEMO_ENCOUNTERS} synthetic encounters with their outcomes`);
      const seed = Date.now() % 1_000_000;
      printSummary(await produceEvents({ synthetic: DEMO_ENCOUNTERS, seed, prefix: '' }));

      console.log(
        '\n2. Training on everything the log holds (logistic regression and boosted trees)',
      );
      const result = await train({
        model: 'readmission',
        task: 'within-30-days',
        candidates: [],
        local: true,
        timeout: 600_000,
        artifacts: '.readmit/artifacts',
        prefix: '',
        quiet: true,
      });
      const trained = 'artifactUri' in result;
      if (trained) {
        console.log('\n3. The registry judges it against the champion (promotion policy)');
        printOutcome(
          await withRegistry(
            { model: 'readmission', json: false, prefix: '', artifacts: '.readmit/artifacts' },
            (registry) => registry.decideOnTraining(result),
          ),
          false,
        );
      }
      console.log(
        [
          '',
          trained
            ? 'Done: the model above is stored, TrainingCompleted is on ml.training and the decision on ml.models (`./readmit models list`).'
            : 'Training failed (see above).',
          'Next in the loop (not built yet): stream scoring, drift monitoring.',
          'More data: ./readmit produce --synthetic 10000 --drift at=5000,age=0.5   Train again: ./readmit train --local',
          'Stop the servers with `./readmit infra down`.',
        ].join('\n'),
      );
      process.exitCode = trained ? 0 : 1;
    });
}
