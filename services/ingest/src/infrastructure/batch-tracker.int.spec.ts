import { TOPICS, type BatchArrived, type OffsetRange } from '@readmit/contracts';
import { labelledEncounters } from '../../../../test/support/encounters';
import { eventually, testEndpoints, uniqueName } from '../../../../test/support/endpoints';
import {
  physical,
  quietLogger,
  watchEvents,
  isolatedEventStreams,
} from '../../../../test/support/kafka';
import { startFixture } from '../../../../test/support/processes';
import { BatchTracker } from './batch-tracker';

const startTrackerProcess = (env: Record<string, string>) =>
  startFixture('batch-tracker-process', env);

/** Per partition, the ranges must tile [0, end) with no gap and no overlap. */
function expectTiling(ranges: OffsetRange[]): void {
  const byPartition = new Map<number, OffsetRange[]>();
  for (const range of ranges)
    byPartition.set(range.partition, [...(byPartition.get(range.partition) ?? []), range]);
  for (const [, list] of byPartition) {
    const sorted = [...list].sort((a, b) => a.fromOffset - b.fromOffset);
    expect(sorted[0].fromOffset).toBe(0);
    for (let index = 1; index < sorted.length; index++)
      expect(sorted[index].fromOffset).toBe(sorted[index - 1].toOffset);
  }
}

describe('BatchTracker', () => {
  it('emits each batch exactly once, and a restarted tracker continues where the last closed batch ended', async () => {
    const { kafka, prefix, serde, metrics, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.batches],
      ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived'],
    );

    const watcher = await watchEvents<BatchArrived>(kafka, serde, physical(TOPICS.batches, prefix));
    const batches = watcher.events;

    const options = {
      groupId: uniqueName('tracker'),
      transactionalId: uniqueName('tracker-tx'),
      policy: { labelsPerBatch: 100, windowMs: 365 * 24 * 3600 * 1000 },
      topicPrefix: prefix,
      producer: 'ingest-test',
    };
    await publisher.publishAll(labelledEncounters(1, 550));
    const first = new BatchTracker(kafka, serde, metrics, quietLogger, options);
    await first.start();
    await eventually(async () => (batches.length >= 5 ? true : undefined), 60_000);
    await first.stop();

    await publisher.publishAll(labelledEncounters(551, 450));
    const second = new BatchTracker(kafka, serde, metrics, quietLogger, options);
    await second.start();
    try {
      await eventually(async () => (batches.length >= 10 ? true : undefined), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // room for a duplicate to show
      expect(batches.map((batch) => batch.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(
        batches.every((batch) => batch.labeledCount === 100 && batch.trigger === 'COUNT'),
      ).toBe(true);
      // Encounters read after the tenth batch closed wait in the open eleventh; the closed ones
      // hold exactly what their ranges say.
      const encounters = batches.reduce((total, batch) => total + batch.encounterCount, 0);
      const ranged = batches
        .flatMap((batch) => batch.encounterRanges)
        .reduce((total, range) => total + range.toOffset - range.fromOffset, 0);
      expect(encounters).toBe(ranged);
      expect(encounters).toBeLessThanOrEqual(1000);
      expectTiling(batches.flatMap((batch) => batch.outcomeRanges));
      expectTiling(batches.flatMap((batch) => batch.encounterRanges));
      const labels = batches.reduce(
        (total, batch) =>
          total +
          batch.labelCounts.NO +
          batch.labelCounts.AFTER_30_DAYS +
          batch.labelCounts.WITHIN_30_DAYS,
        0,
      );
      expect(labels).toBe(1000);
      const profiled = batches.find((batch) => batch.encounterCount > 0);
      expect(
        profiled?.profile.find((feature) => feature.feature === 'time_in_hospital'),
      ).toMatchObject({ mean: 3, min: 3, max: 3 });
    } finally {
      await second.stop();
      await watcher.stop();
      await publisher.disconnect();
    }
  });
  it('killed with SIGKILL mid-stream and restarted, emits every batch exactly once', async () => {
    const { kafka, prefix, serde, publisher } = await isolatedEventStreams(
      [TOPICS.encounters, TOPICS.outcomes, TOPICS.batches],
      ['EncounterRecorded', 'OutcomeRecorded', 'BatchArrived'],
    );
    const watcher = await watchEvents<BatchArrived>(kafka, serde, physical(TOPICS.batches, prefix));
    const batches = watcher.events;
    const env = {
      BROKERS: testEndpoints().kafkaBrokers.join(','),
      REGISTRY_URL: testEndpoints().schemaRegistryUrl,
      PREFIX: prefix,
      GROUP: uniqueName('tracker'),
      TRANSACTIONAL_ID: uniqueName('tracker-tx'),
      LABELS_PER_BATCH: '50',
    };
    let tracker = startTrackerProcess(env);
    try {
      // Encounters keep arriving while the tracker runs; it is killed once a few batches are out.
      let published = 0;
      while (batches.length < 4) {
        await publisher.publishAll(labelledEncounters(published + 1, 50));
        published += 50;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const exited = new Promise((resolve) => tracker.once('exit', resolve));
      tracker.kill('SIGKILL');
      await exited;
      expect(tracker.signalCode).toBe('SIGKILL');
      const seenAtKill = batches.length;
      await publisher.publishAll(labelledEncounters(published + 1, 2_000 - published));

      tracker = startTrackerProcess(env);
      await eventually(async () => (batches.length >= 40 ? true : undefined), 90_000);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // room for a duplicate to show
      expect(seenAtKill).toBeLessThan(40);
      expect(batches.map((batch) => batch.sequence)).toEqual(
        Array.from({ length: 40 }, (_, index) => index + 1),
      );
      expect(batches.every((batch) => batch.labeledCount === 50)).toBe(true);
      expectTiling(batches.flatMap((batch) => batch.outcomeRanges));
      expectTiling(batches.flatMap((batch) => batch.encounterRanges));
      const labels = batches.reduce(
        (total, batch) =>
          total + Object.values(batch.labelCounts).reduce((sum, count) => sum + count, 0),
        0,
      );
      expect(labels).toBe(2_000);
    } finally {
      tracker.kill('SIGKILL');
      await watcher.stop();
      await publisher.disconnect();
    }
  });
});
