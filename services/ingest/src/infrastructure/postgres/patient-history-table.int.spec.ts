import type { HistoryMedicationOrder, HistoryVisit } from '@readmit/fhir';
import { assertTestDatabase, createDataSource } from '@readmit/platform/database';
import type { DataSource } from 'typeorm';
import { testEndpoints, uniqueName } from '../../../../../test/support/endpoints';
import { patientPseudonym } from '../../../../../test/support/pseudonyms';
import { ensureIngestTables, type IngestTables } from './ingest-tables';
import {
  forgetPatientHistory,
  loadPatientHistories,
  savePatientHistories,
} from './patient-history-table';

const DAY = 24 * 3_600_000;
const visit = (visitKey: string, kind: HistoryVisit['kind'], day: number): HistoryVisit => ({
  visitKey,
  kind,
  startedAt: Date.UTC(2021, 0, 1) + day * DAY,
});
const order = (orderKey: string, dailyDose: number | null): HistoryMedicationOrder => ({
  orderKey,
  column: 'metformin',
  dailyDose,
  unit: dailyDose === null ? null : 'mg',
  authoredAt: Date.UTC(2021, 0, 5),
  status: 'active',
});

describe('the patient history FHIR ingest keeps (Postgres)', () => {
  const url = testEndpoints().databaseUrl;
  const schema = uniqueName('history').replace(/-/g, '_');
  let dataSource: DataSource;
  let tables: IngestTables;
  const [alice, bob] = [patientPseudonym(1), patientPseudonym(2)];

  beforeAll(async () => {
    assertTestDatabase(url);
    dataSource = createDataSource({ url, schema });
    await dataSource.initialize();
    tables = await ensureIngestTables(dataSource);
  });
  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  const load = (patients: string[]) =>
    loadPatientHistories(dataSource.manager, tables.history, patients);

  it('keeps what each input taught, once per visit and order, and a forget deletes one patient’s', async () => {
    const aliceVisits = [visit('enc_a1', 'emergency', 1), visit('enc_a2', 'inpatient', 40)];
    await savePatientHistories(dataSource.manager, tables.history, [
      { patient: alice, visits: aliceVisits, medicationOrders: [order('ord_a', 500)] },
      { patient: bob, visits: [visit('enc_b1', 'outpatient', 3)], medicationOrders: [] },
    ]);
    // The same input again, and a visit sent twice in one input with its later details: no copies.
    await savePatientHistories(dataSource.manager, tables.history, [
      {
        patient: alice,
        visits: [...aliceVisits, { ...visit('enc_a2', 'inpatient', 40), partOf: 'enc_a1' }],
        medicationOrders: [order('ord_a', 1_000)],
      },
    ]);
    const histories = await load([alice, bob, patientPseudonym(3)]);
    const sorted = (visits: readonly HistoryVisit[]) =>
      [...visits].sort((a, b) => a.visitKey.localeCompare(b.visitKey));
    expect(sorted(histories.get(alice)?.visits ?? [])).toEqual([
      aliceVisits[0],
      { ...aliceVisits[1], partOf: 'enc_a1' },
    ]);
    expect(histories.get(alice)?.medicationOrders).toEqual([order('ord_a', 1_000)]);
    expect(histories.get(bob)?.visits).toEqual([visit('enc_b1', 'outpatient', 3)]);
    expect(histories.get(patientPseudonym(3))).toEqual({ visits: [], medicationOrders: [] });

    expect(await forgetPatientHistory(dataSource.manager, tables.history, alice)).toBe(3);
    const after = await load([alice, bob]);
    expect(after.get(alice)).toEqual({ visits: [], medicationOrders: [] });
    expect(after.get(bob)?.visits).toHaveLength(1);
    expect(await forgetPatientHistory(dataSource.manager, tables.history, alice)).toBe(0);
  });
});
