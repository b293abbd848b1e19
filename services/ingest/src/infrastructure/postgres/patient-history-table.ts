import type { HistoryMedicationOrder, HistoryVisit, PatientHistory } from '@readmit/fhir';
import type { EntityManager } from 'typeorm';
import type { LearnedHistory } from '../../domain/fhir/read-fhir-encounters';

/**
 * The patient history FHIR ingest keeps (docs/fhir-mapping.md, Prior visits): each patient's
 * visits (class and start) and diabetes medication orders (column, daily dose, date), by patient
 * pseudonym, so a bundle that carries only the current stay still counts the visits and compares
 * with the orders sent before. No clinical detail beyond that; a forget deletes it all.
 */
export interface PatientHistoryTables {
  readonly visits: string;
  readonly orders: string;
}

/** The DDL of the two tables: run by ensureIngestTables under its lock. */
export function patientHistoryDdl(tables: PatientHistoryTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${tables.visits} (
      patient_nbr text NOT NULL,
      visit_key text NOT NULL,
      kind text NOT NULL,
      started_at bigint NOT NULL,
      part_of text,
      PRIMARY KEY (patient_nbr, visit_key)
    )`,
    `CREATE TABLE IF NOT EXISTS ${tables.orders} (
      patient_nbr text NOT NULL,
      order_key text NOT NULL,
      medication text NOT NULL,
      daily_dose double precision,
      unit text,
      authored_at bigint NOT NULL,
      status text NOT NULL,
      PRIMARY KEY (patient_nbr, order_key)
    )`,
  ];
}

interface VisitRow {
  patient_nbr: string;
  visit_key: string;
  kind: HistoryVisit['kind'];
  started_at: string;
  part_of: string | null;
}

interface OrderRow {
  patient_nbr: string;
  order_key: string;
  medication: HistoryMedicationOrder['column'];
  daily_dose: number | null;
  unit: string | null;
  authored_at: string;
  status: HistoryMedicationOrder['status'];
}

/** The history of each patient named (by pseudonym); a patient never seen has an empty one. */
export async function loadPatientHistories(
  manager: EntityManager,
  tables: PatientHistoryTables,
  patients: readonly string[],
): Promise<Map<string, PatientHistory>> {
  const histories = new Map<
    string,
    { visits: HistoryVisit[]; medicationOrders: HistoryMedicationOrder[] }
  >(patients.map((patient) => [patient, { visits: [], medicationOrders: [] }]));
  if (patients.length === 0) return histories;
  const visits = (await manager.query(
    `SELECT patient_nbr, visit_key, kind, started_at, part_of FROM ${tables.visits}
      WHERE patient_nbr = ANY($1)`,
    [patients],
  )) as VisitRow[];
  for (const row of visits)
    histories.get(row.patient_nbr)?.visits.push({
      visitKey: row.visit_key,
      kind: row.kind,
      startedAt: Number(row.started_at),
      ...(row.part_of === null ? {} : { partOf: row.part_of }),
    });
  const orders = (await manager.query(
    `SELECT patient_nbr, order_key, medication, daily_dose, unit, authored_at, status
       FROM ${tables.orders} WHERE patient_nbr = ANY($1)`,
    [patients],
  )) as OrderRow[];
  for (const row of orders)
    histories.get(row.patient_nbr)?.medicationOrders.push({
      orderKey: row.order_key,
      column: row.medication,
      dailyDose: row.daily_dose,
      unit: row.unit,
      authoredAt: Number(row.authored_at),
      status: row.status,
    });
  return histories;
}

/**
 * Keeps what an input taught: idempotent (a re-sent bundle changes nothing), and a visit or order
 * sent again with new details (a stay that has now finished) replaces the old row.
 */
export async function savePatientHistories(
  manager: EntityManager,
  tables: PatientHistoryTables,
  learned: readonly LearnedHistory[],
): Promise<void> {
  // Each row once (the last wins): one statement cannot update a row twice.
  const visits = lastOfEach(
    learned.flatMap(({ patient, visits }) => visits.map((visit) => ({ patient, ...visit }))),
    (visit) => `${visit.patient} ${visit.visitKey}`,
  );
  const orders = lastOfEach(
    learned.flatMap(({ patient, medicationOrders }) =>
      medicationOrders.map((order) => ({ patient, ...order })),
    ),
    (order) => `${order.patient} ${order.orderKey}`,
  );
  // One statement per table, the rows as arrays: a bundle's history is a few dozen rows.
  if (visits.length > 0)
    await manager.query(
      `INSERT INTO ${tables.visits} (patient_nbr, visit_key, kind, started_at, part_of)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[])
       ON CONFLICT (patient_nbr, visit_key) DO UPDATE
         SET kind = excluded.kind, started_at = excluded.started_at, part_of = excluded.part_of`,
      [
        visits.map((visit) => visit.patient),
        visits.map((visit) => visit.visitKey),
        visits.map((visit) => visit.kind),
        visits.map((visit) => visit.startedAt),
        visits.map((visit) => visit.partOf ?? null),
      ],
    );
  if (orders.length > 0)
    await manager.query(
      `INSERT INTO ${tables.orders}
         (patient_nbr, order_key, medication, daily_dose, unit, authored_at, status)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[],
                            $6::bigint[], $7::text[])
       ON CONFLICT (patient_nbr, order_key) DO UPDATE
         SET medication = excluded.medication, daily_dose = excluded.daily_dose,
             unit = excluded.unit, authored_at = excluded.authored_at, status = excluded.status`,
      [
        orders.map((order) => order.patient),
        orders.map((order) => order.orderKey),
        orders.map((order) => order.column),
        orders.map((order) => order.dailyDose),
        orders.map((order) => order.unit),
        orders.map((order) => order.authoredAt),
        orders.map((order) => order.status),
      ],
    );
}

function lastOfEach<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item])).values()];
}

/** Deletes a forgotten patient's history; returns how many rows went. */
export async function forgetPatientHistory(
  manager: EntityManager,
  tables: PatientHistoryTables,
  patient: string,
): Promise<number> {
  let rows = 0;
  for (const table of [tables.visits, tables.orders]) {
    // Counted by a SELECT: typeorm answers a DELETE … RETURNING with [rows, count], not rows.
    const [{ deleted }] = (await manager.query(
      `WITH gone AS (DELETE FROM ${table} WHERE patient_nbr = $1 RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [patient],
    )) as Array<{ deleted: number }>;
    rows += deleted;
  }
  return rows;
}
