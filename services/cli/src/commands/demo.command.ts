import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { PseudonymKey, Pseudonymizer } from '@readmit/platform/privacy';
import { createLocalKekFile } from '@readmit/platform/privacy/keys';
import { demoKeys } from '../demo/demo-keys';
import {
  DEMO_FORMATS,
  runClosedLoop,
  type ClosedLoopOptions,
  type ClosedLoopSummary,
  type DemoFormat,
} from '../demo/closed-loop';
import { FhirDemoPublisher } from '../demo/fhir-publisher';
import { buildServices, processLauncher } from '../demo/service-processes';
import { scrapeTargetsFolder } from '../infra/scrape-targets';
import { InfraManager } from '../infra/infra-manager';
import { cliSealing } from './cli-sealing';
import { createInfraContext, printStatus } from './infra.command';
import { produceEvents } from './produce.command';
import { cliKafka, createCatalogTopics, cliSerde } from './topics.command';

const PROJECT_ROOT = resolve(__dirname, '..', '..', '..', '..');

interface DemoOptions {
  format: DemoFormat;
  initial: number;
  stable: number;
  drifted: number;
  final: number;
  window: number;
  timeout: number;
  keep: boolean;
}

function format(value: string): DemoFormat {
  if (!(DEMO_FORMATS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${DEMO_FORMATS.join(', ')}`);
  return value as DemoFormat;
}

/**
 * Hours an admission may arrive behind the latest one and still count, in a FHIR demo: its years
 * of history go by in seconds, a transaction bundle holds weeks of it, and the six partitions of
 * patient.encounters are read at their own pace.
 */
const FHIR_DEMO_LATENESS_HOURS = 60 * 24;

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('a positive whole number');
  return parsed;
}

/**
 * The main job end to end on the local platform: the servers come up, the services start from
 * the build output, and the loop runs on topics of its own (a fresh prefix per run) — batches
 * trigger training, a champion is promoted, stream scoring runs, drift is injected, the monitor
 * alerts, retraining follows and the registry judges the new model — then a summary.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run the main job end to end on the local platform: encounters → training → champion → scoring → drift → alert → retraining',
    )
    .option(
      '--format <format>',
      'rows: synthetic rows with their labels (as `readmit produce --synthetic`); fhir: FHIR R4 stays POSTed to ingest, labels derived from later admissions',
      format,
      'rows' as DemoFormat,
    )
    .option('--initial <n>', 'labelled encounters before any model', count, 3_000)
    .option(
      '--stable <n>',
      'encounters from the same population once a champion serves',
      count,
      4_000,
    )
    .option(
      '--drifted <n>',
      'encounters from an older, more often emergency population',
      count,
      6_000,
    )
    .option('--final <n>', 'encounters after the retraining', count, 2_000)
    .option('--window <n>', 'rows per drift monitoring window', count, 2_000)
    .option('--timeout <s>', 'longest wait for any one step, in seconds', count, 300)
    .option(
      '--keep',
      'keep the services running after the loop (for the web console) until Ctrl-C',
      false,
    )
    .action(async (options: DemoOptions) => {
      const context = createInfraContext();
      const manager = new InfraManager(context);
      await manager.up();
      const statuses = await manager.status();
      console.log('\nReadmit local platform:');
      printStatus(statuses);
      if (!statuses.every((status) => status.state.kind === 'running' && status.state.healthy)) {
        console.log('\nSome servers do not answer; see `./readmit infra logs <component>`.');
        process.exitCode = 1;
        return;
      }
      const endpoints = manager.endpoints();
      const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
      const prefix = `demo-${stamp}.`;
      console.log(`\nThis run's topics are prefixed ${prefix}`);
      await createCatalogTopics({ prefix, log: () => undefined });
      buildServices(PROJECT_ROOT, (line) => console.log(line));

      const logFolder = join(PROJECT_ROOT, '.readmit', 'logs', `demo-${stamp}`);
      mkdirSync(logFolder, { recursive: true });
      // A key-encryption key of this run's own: every service seals patient events under it.
      const kekFile = join(logFolder, 'kek');
      createLocalKekFile(kekFile);
      const databaseSchema = `demo_${stamp}`;
      const sealing = {
        kek: `local:${kekFile}`,
        databaseUrl: endpoints.READMIT_DATABASE_URL,
        databaseSchema,
      };
      const loop: ClosedLoopOptions = {
        prefix,
        model: 'readmission',
        seed: Number(stamp.slice(-6)),
        initialEncounters: options.initial,
        stableEncounters: options.stable,
        driftedEncounters: options.drifted,
        finalEncounters: options.final,
        drift: { olderPopulation: 0.8, moreEmergencies: 0.6 },
        windowRows: options.window,
        batchLabels: 1_000,
        format: options.format,
        serviceEnv:
          options.format === 'fhir'
            ? { ingest: { READMIT_LABEL_ALLOWED_LATENESS_HOURS: String(FHIR_DEMO_LATENESS_HOURS) } }
            : {},
        platformEnv: {
          READMIT_KAFKA_BROKERS: endpoints.READMIT_KAFKA_BROKERS,
          READMIT_SCHEMA_REGISTRY_URL: endpoints.READMIT_SCHEMA_REGISTRY_URL,
          READMIT_DATABASE_URL: endpoints.READMIT_DATABASE_URL,
          // Projections of this run's own, as its topics are (the console shows only this run).
          READMIT_DATABASE_SCHEMA: databaseSchema,
          READMIT_KEK: sealing.kek,
          READMIT_TOPIC_PREFIX: prefix,
          READMIT_OBJECT_STORE: 'filesystem',
          READMIT_OBJECT_STORE_ROOT: join(PROJECT_ROOT, '.readmit', 'artifacts'),
          READMIT_LOG_LEVEL: 'info',
        },
        stepTimeoutMs: options.timeout * 1000,
        // Keys of this run's own (services get their salted hashes): on this machine only, for
        // the run's length.
        keys: await demoKeys(process.env.READMIT_DEMO_API_KEY),
        // A site key of this run's own: its pseudonyms mean nothing outside it.
        pseudonymKey: PseudonymKey.generate(),
      };
      const kafka = cliKafka(endpoints.READMIT_KAFKA_BROKERS);
      // The watcher reads what the services write (predictions among it), sealed under the
      // run's KEK with the keys in the run's schema: its serde opens them with the same keys
      // (given here, not through process.env: only the services' env holds them).
      const watcherSealing = await cliSealing(sealing);
      const serde = cliSerde(endpoints.READMIT_SCHEMA_REGISTRY_URL, {
        topicPrefix: prefix,
        sealer: watcherSealing?.sealer,
      });
      const fhirPublisher =
        options.format === 'fhir'
          ? new FhirDemoPublisher({
              apiKey: loop.keys.apiKey,
              totalEncounters: options.initial + options.stable + options.drifted + options.final,
              pseudonymize: new Pseudonymizer(PseudonymKey.fromBase64(loop.pseudonymKey))
                .pseudonymize,
              report: (line) => console.log(line),
            })
          : null;
      try {
        const summary = await runClosedLoop(loop, {
          kafka,
          serde,
          launch: processLauncher(PROJECT_ROOT, logFolder, scrapeTargetsFolder(context.paths.home)),
          publish: (encounters, seed, drift, target) =>
            fhirPublisher
              ? fhirPublisher.publish(encounters, seed, drift, target.ingestUrl)
              : produceEvents({
                  synthetic: encounters,
                  seed,
                  drift,
                  prefix,
                  brokers: endpoints.READMIT_KAFKA_BROKERS,
                  registry: endpoints.READMIT_SCHEMA_REGISTRY_URL,
                  pseudonymKey: loop.pseudonymKey,
                  sealing,
                }),
          report: (line) => console.log(line),
          whileRunning: options.keep
            ? async ({ gatewayUrl }) => {
                console.log(
                  `\nThe services keep running. Web console: ${gatewayUrl}/console (API key: ${loop.keys.apiKey})`,
                );
                console.log('Press Ctrl-C to stop them.');
                await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
              }
            : undefined,
        });
        printDemoSummary(summary, logFolder, fhirPublisher);
      } catch (error) {
        console.error(`\nThe loop stopped: ${(error as Error).message}`);
        console.error(`Service logs: ${logFolder}`);
        process.exitCode = 1;
      } finally {
        await watcherSealing?.close();
      }
    });
}

export function printDemoSummary(
  summary: ClosedLoopSummary,
  logFolder: string,
  fhir: FhirDemoPublisher | null,
): void {
  const agreement = fhir?.agreement(summary.outcomes.derived);
  const lines = [
    '',
    `Summary (${summary.seconds.toFixed(0)} s, topics ${summary.prefix}*)`,
    `  encounters published: ${summary.published.encounters}${fhir ? ' as FHIR R4 stays' : ''} (${Math.round(summary.published.perSecond)}/s), batches: ${summary.batches}`,
    `  outcomes: ${summary.outcomes.reported} sent with the encounters, ${summary.outcomes.derived.size} derived by the labeller${agreement ? ` (${agreement.agreeing} of ${agreement.compared} agree with the generator's label)` : ''}`,
    '  training runs:',
    ...summary.runs.map(
      (run) =>
        `    ${run.runId}  ${run.reason.padEnd(14)} ${(run.version ?? '-').padEnd(24)} ${(run.algorithm ?? '').padEnd(20)} AUC ${run.rocAuc === null ? '-' : run.rocAuc.toFixed(3)}  ${run.decision}${run.why ? `: ${run.why}` : ''}`,
    ),
    `  champions, in order: ${summary.champions.join(' → ')}`,
    `  drift alerts: ${summary.alerts.length} (${summary.alertsWhileStable.length} during ${summary.stableWindows} stable windows)`,
    ...summary.alerts.map(
      (alert) =>
        `    ${alert.kind} ${alert.severity} on ${alert.modelVersion}, ${alert.windowSize} rows: ${alert.driftedFeatures.join(', ')}`,
    ),
    `  predictions: ${summary.predictions.total} (${Object.entries(summary.predictions.byVersion)
      .map(([version, predictions]) => `${version}: ${predictions}`)
      .join(
        ', ',
      )}); the first backlog scored at ${Math.round(summary.scoringPerSecond)} encounters/s`,
    `  REST prediction through the gateway: ${summary.rest.score.toFixed(3)} by ${summary.rest.modelVersion} in ${Math.round(summary.rest.latencyMs)} ms`,
    '',
    `Service logs: ${logFolder}`,
    `Look closer: ./readmit models list --prefix ${summary.prefix}; ./readmit demo --keep leaves the services and the web console running`,
    'Stop the servers: ./readmit infra down',
  ];
  console.log(lines.join('\n'));
}
