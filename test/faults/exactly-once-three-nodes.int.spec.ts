// Kafka's transactions system test, with Readmit's own transactional processes: on three nodes
// with RF 3 and min ISR 2, each broker hard-killed and restarted, the process hard-killed three
// times, each broker cleanly restarted, while it works. Sized for CI; bench/exactly-once-faults
// runs the same with more encounters.
import { TOPICS } from '@readmit/contracts';
import { GroupLagReader, KafkaMetrics } from '@readmit/platform/kafka';
import { Registry } from 'prom-client';
import { eventually, uniqueName } from '../support/endpoints';
import { isolatedCatalog, physical } from '../support/kafka';
import {
  startDisposableKafkaCluster,
  type DisposableKafkaCluster,
} from '../support/disposable-kafka';
import {
  backfillUnderFaults,
  kafkaTestFaults,
  streamScoringUnderFaults,
  type ExactlyOnceReport,
} from '../support/exactly-once-under-faults';

const print = (what: string, report: ExactlyOnceReport) =>
  process.stdout.write(`${what}: ${JSON.stringify(report)}\n`);

describe('exactly once on a three-node cluster under broker and process faults', () => {
  let cluster: DisposableKafkaCluster | undefined;
  beforeAll(async () => {
    cluster = await startDisposableKafkaCluster(3);
  }, 180_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('stream scoring: one committed prediction per encounter, nothing aborted ever read', async () => {
    const faults = kafkaTestFaults(3);
    const report = await streamScoringUnderFaults(cluster as DisposableKafkaCluster, {
      burst: 1_000,
      batch: 20,
      faults,
    });
    print('stream scoring under faults', report);
    expect(report.faults).toHaveLength(faults.length);
    expect(report.encounters).toBe(1_000 * faults.length);
    expect({ duplicates: report.duplicates, missing: report.missing }).toEqual({
      duplicates: 0,
      missing: 0,
    });
    // The consumer that read during the faults: never a record of an aborted transaction.
    expect(report.abortedSeenDuringFaults).toBe(0);
    expect(report.duplicatesDuringFaults).toBe(0);
    expect(report.seenDuringFaults).toBe(report.encounters);
    // Whether a fault breaks a transaction that already wrote records depends on where it lands
    // (a SIGKILL between two transactions aborts nothing): report.aborted is printed, not
    // required, as for the backfill; bench/exactly-once-faults, with more encounters, reports it.
  }, 900_000);

  it('backfill: one committed prediction per encounter, nothing aborted ever read', async () => {
    const faults = kafkaTestFaults(3);
    const report = await backfillUnderFaults(cluster as DisposableKafkaCluster, {
      encounters: 6_000,
      maxRatePerSecond: 60,
      chunk: 50,
      faults,
    });
    print('backfill under faults', report);
    expect(report.faults).toHaveLength(faults.length);
    expect({ duplicates: report.duplicates, missing: report.missing }).toEqual({
      duplicates: 0,
      missing: 0,
    });
    expect(report.abortedSeenDuringFaults).toBe(0);
    expect(report.duplicatesDuringFaults).toBe(0);
    expect(report.seenDuringFaults).toBe(report.encounters);
  }, 900_000);

  it('reports under-replicated partitions on /metrics while a broker is down, and none once it is back', async () => {
    const running = cluster as DisposableKafkaCluster;
    const kafka = running.client('replication-metrics');
    const prefix = await isolatedCatalog(kafka, [TOPICS.encounters]);
    const topic = physical(TOPICS.encounters, prefix);
    const registry = new Registry();
    const unwatch = KafkaMetrics.for(registry).watchLag(
      new GroupLagReader(kafka, uniqueName('group'), [topic]),
      'readmit-scoring',
    );
    const underReplicated = async () => {
      const line = (await registry.metrics())
        .split('\n')
        .find((candidate) =>
          candidate.startsWith(`readmit_kafka_under_replicated_partitions{topic="${topic}"}`),
        );
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    try {
      expect(await underReplicated()).toBe(0);
      await running.nodes[2].kill();
      // Every partition has a replica on each node: all of them lose one.
      const whileDown = await eventually(async () => {
        const value = await underReplicated();
        return value !== undefined && value > 0 ? value : undefined;
      }, 60_000);
      expect(whileDown).toBe(TOPICS.encounters.partitions);
      await running.nodes[2].start();
      await running.untilFullyReplicated([topic]);
      expect(
        await eventually(async () => ((await underReplicated()) === 0 ? true : undefined), 30_000),
      ).toBe(true);
    } finally {
      await unwatch();
    }
  }, 180_000);
});
