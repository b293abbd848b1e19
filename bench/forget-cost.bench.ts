// What forgetting a patient costs (issue 23): how long `forget` takes (the key's DELETE), and how
// long until the projections that keep patient rows are clean: the ingest encounter keys table
// (kept live by its follower, told by patient.forgotten) and every other process's key cache.
// A sealed log of N encounters (synthetic, patients returning as in the UCI data) is projected
// into the keys table first; then F patients are forgotten one after another, each by destroying
// the key and publishing PatientForgotten, and the time until the table has none of their rows
// is measured (median, p95, max). Needs the local platform (`./readmit infra up`).
//   npx tsx bench/forget-cost.bench.ts [--encounters 20000] [--forgets 20]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_EVENTS, TOPICS, type EncounterRecorded } from '@readmit/contracts';
import { createDataSource } from '@readmit/platform/database';
import {
  EventPublisher,
  EventSerde,
  KafkaMetrics,
  newEnvelope,
  type OutgoingEvent,
} from '@readmit/platform/kafka';
import { Registry } from 'prom-client';
import { ForgottenPatientsFollower } from '@readmit/platform/privacy/sealing';
import { EncounterKeysFollower } from '../services/ingest/src/infrastructure/encounter-keys-follower';
import { forgetPatientKeys } from '../services/ingest/src/infrastructure/postgres/encounter-keys-table';
import { ensureIngestTables } from '../services/ingest/src/infrastructure/postgres/ingest-tables';
import { testEndpoints, uniqueName } from '../test/support/endpoints';
import { isolatedCatalog, quietLogger, testKafka } from '../test/support/kafka';
import { encounterPseudonym, patientPseudonym } from '../test/support/pseudonyms';
import { syntheticEncounters } from './support/bench-model';
import { benchSealing } from './support/sealing';
import { quantile } from './support/stats';

const { values } = parseArgs({
  options: {
    encounters: { type: 'string', default: '20000' },
    forgets: { type: 'string', default: '20' },
  },
});
const ENCOUNTERS = Number(values.encounters);
const FORGETS = Number(values.forgets);

const ms = (n: number): string => n.toFixed(1);

async function main(): Promise<void> {
  const command = `npx tsx bench/forget-cost.bench.ts --encounters ${ENCOUNTERS} --forgets ${FORGETS}`;
  const dir = mkdtempSync(join(tmpdir(), 'readmit-bench-forget-'));
  const sealing = await benchSealing(dir);
  const kafka = testKafka();
  const prefix = await isolatedCatalog(kafka, [
    TOPICS.encounters,
    TOPICS.outcomes,
    TOPICS.forgotten,
  ]);
  const serde = EventSerde.create(testEndpoints().schemaRegistryUrl, {
    topicPrefix: prefix,
    sealer: sealing.sealer,
  });
  await serde.register(['EncounterRecorded', 'PatientForgotten']);
  const metrics = KafkaMetrics.for(new Registry());
  const publisher = new EventPublisher(kafka, serde, metrics, quietLogger, prefix);
  const schema = uniqueName('bench_forget').replace(/-/g, '_');
  const dataSource = createDataSource({ url: testEndpoints().databaseUrl, schema });
  await dataSource.initialize();
  const tables = await ensureIngestTables(dataSource);
  try {
    // Synthetic patients are numbered; a few have many encounters, most one.
    const rows = syntheticEncounters(ENCOUNTERS, 11);
    const patientIds = new Map<string, number>();
    const events: OutgoingEvent[] = rows.map((row, index) => {
      const clear = String(row.encounter.patient_nbr);
      if (!patientIds.has(clear)) patientIds.set(clear, patientIds.size);
      const event: EncounterRecorded = {
        ...EXAMPLE_EVENTS.EncounterRecorded,
        ...row.encounter,
        encounter_id: encounterPseudonym(index + 1),
        patient_nbr: patientPseudonym(patientIds.get(clear) as number),
        envelope: newEnvelope('EncounterRecorded', { producer: 'bench' }),
      };
      return { eventType: 'EncounterRecorded', key: event.encounter_id, event };
    });
    for (let start = 0; start < events.length; start += 2_000)
      await publisher.publishAll(events.slice(start, start + 2_000));

    // The keys table, projected from the sealed log; forgets reach it through the follower.
    const keysFollower = new EncounterKeysFollower(kafka, serde, dataSource, metrics, quietLogger, {
      groupId: uniqueName('bench-keys'),
      topicPrefix: prefix,
    });
    await keysFollower.start();
    if (!(await keysFollower.whenCaughtUp(120_000))) throw new Error('keys table not caught up');
    const rowsOf = async (patient: string): Promise<number> =>
      Number(
        (
          (await dataSource.query(
            `SELECT count(*)::int AS n FROM ${tables.keys} WHERE patient_nbr = $1`,
            [patient],
          )) as Array<{ n: number }>
        )[0].n,
      );
    const cleaned = new Map<string, () => void>();
    const forgetter = new ForgottenPatientsFollower(kafka, serde, quietLogger, {
      keys: sealing.sealer.keys,
      topicPrefix: prefix,
      groupId: uniqueName('bench-forgotten'),
    });
    forgetter.onForgotten(async (patient) => {
      await forgetPatientKeys(dataSource.manager, tables.keys, patient);
      cleaned.get(patient)?.();
    });
    await forgetter.start();
    await forgetter.whenCaughtUp();

    // Forget the patients with the most encounters first (the dearest rows to find).
    const counts = new Map<string, number>();
    for (const { event } of events) {
      const patient = (event as EncounterRecorded).patient_nbr;
      counts.set(patient, (counts.get(patient) ?? 0) + 1);
    }
    const chosen = [...counts].sort((a, b) => b[1] - a[1]).slice(0, FORGETS);
    const destroyMs: number[] = [];
    const cleanMs: number[] = [];
    let rowsDeleted = 0;
    for (const [patient, encounters] of chosen) {
      if ((await rowsOf(patient)) !== encounters) throw new Error('the table misses rows');
      const done = new Promise<void>((resolve) => cleaned.set(patient, resolve));
      const started = performance.now();
      await sealing.sealer.keys.forget(patient);
      destroyMs.push(performance.now() - started);
      await publisher.publish('PatientForgotten', patient, {
        envelope: newEnvelope('PatientForgotten', { producer: 'bench' }),
        patient_nbr: patient,
        requestedBy: 'bench',
        keyDestroyed: true,
      });
      await done;
      cleanMs.push(performance.now() - started);
      if ((await rowsOf(patient)) !== 0) throw new Error('rows left after the forget');
      rowsDeleted += encounters;
    }
    await forgetter.stop();
    await keysFollower.stop();

    console.log(command);
    console.log(
      `\n${ENCOUNTERS.toLocaleString('en-US')} sealed encounters of ${counts.size.toLocaleString('en-US')} patients in the keys table; ${FORGETS} forgets (${rowsDeleted} rows deleted, 1–${chosen[0][1]} per patient)\n`,
    );
    console.log('| step | median ms | p95 ms | max ms |');
    console.log('|---|---|---|---|');
    console.log(
      `| forget: the data key destroyed (DELETE) | ${ms(quantile(destroyMs, 0.5))} | ${ms(quantile(destroyMs, 0.95))} | ${ms(Math.max(...destroyMs))} |`,
    );
    console.log(
      `| until the keys table is clean (PatientForgotten published, followed, rows deleted) | ${ms(quantile(cleanMs, 0.5))} | ${ms(quantile(cleanMs, 0.95))} | ${ms(Math.max(...cleanMs))} |`,
    );
  } finally {
    await publisher.disconnect();
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
    await sealing.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
