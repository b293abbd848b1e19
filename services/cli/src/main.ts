import { Command, CommanderError } from 'commander';
import { KafkaJSError } from 'kafkajs';
import { ConfigError } from '@readmit/platform/config';
import { backfillCommand } from './commands/backfill.command';
import { backfillCompareCommand } from './commands/backfill-compare.command';
import { demoCommand } from './commands/demo.command';
import { exportCommand } from './commands/export.command';
import { infraCommand } from './commands/infra.command';
import { keysCommand } from './commands/keys.command';
import { produceCommand } from './commands/produce.command';
import { patientsCommand } from './commands/patients.command';
import { projectionsCommand } from './commands/projections.command';
import { pseudonymsCommand } from './commands/pseudonyms.command';
import { testCommand } from './commands/test.command';
import { modelsCommand } from './commands/models.command';
import { trainCommand } from './commands/train.command';
import { datasetsCommand } from './commands/datasets.command';
import { topicsCommand } from './commands/topics.command';
import { kafkaCommand } from './commands/kafka.command';
import { InfraError } from './infra/infra-error';

const program = new Command('readmit')
  .description('Readmit: streaming ML for hospital readmission risk, on Kafka')
  .showHelpAfterError()
  // Options after a subcommand's name are the subcommand's: `backfill compare --prefix p` and
  // `backfill cancel id --prefix p` must not hand --prefix to `backfill` itself.
  .enablePositionalOptions()
  .addCommand(infraCommand())
  .addCommand(topicsCommand())
  .addCommand(kafkaCommand())
  .addCommand(produceCommand())
  .addCommand(exportCommand())
  .addCommand(projectionsCommand())
  .addCommand(trainCommand())
  .addCommand(datasetsCommand())
  .addCommand(modelsCommand())
  .addCommand(keysCommand())
  .addCommand(pseudonymsCommand())
  .addCommand(patientsCommand())
  .addCommand(backfillCommand().enablePositionalOptions().addCommand(backfillCompareCommand()))
  .addCommand(demoCommand())
  .addCommand(testCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof InfraError || error instanceof ConfigError) {
    console.error(`readmit: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof CommanderError) process.exit(error.exitCode);
  // A broker that refused or did not answer: the operator's problem to look at, not a bug of
  // ours, so one line rather than kafkajs's stack.
  if (error instanceof KafkaJSError) {
    console.error(
      `readmit: Kafka: ${error.message}${error.retriable ? ' (a transient error: run the command again; `readmit infra status` shows the broker)' : ''}`,
    );
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
