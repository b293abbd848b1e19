import type { ReadmissionClass } from '@readmit/contracts';
import type { EntityManager } from 'typeorm';

/**
 * The statements on ingest_encounter_keys, keyed by encounter pseudonyms. Every one that takes
 * row locks takes them in ascending id order, so two transactions over overlapping ids wait for
 * each other instead of deadlocking. The order is by byte (the column's COLLATE "C"), which for
 * ASCII pseudonyms is JavaScript's default sort.
 */

/**
 * Inserts the ids as recorded, or marks recorded an id known only by its outcome; returns the
 * ids this transaction claimed. An id inserted by a concurrent transaction that has not
 * committed yet is waited for: claimed here if that one rolls back, known if it commits. Every
 * id given stays locked until this transaction ends.
 */
export async function claimKeys(
  manager: EntityManager,
  table: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = (await manager.query(
    `INSERT INTO ${table} AS k (encounter_id, recorded)
     SELECT id, true FROM unnest($1::text[]) AS claimed(id) ORDER BY id COLLATE "C"
     ON CONFLICT (encounter_id) DO UPDATE SET recorded = true WHERE NOT k.recorded
     RETURNING encounter_id`,
    [ids],
  )) as Array<{ encounter_id: string }>;
  return new Set(rows.map((row) => row.encounter_id));
}

/** The stored outcome of each id that has one. */
export async function storedOutcomes(
  manager: EntityManager,
  table: string,
  ids: readonly string[],
): Promise<Map<string, ReadmissionClass>> {
  if (ids.length === 0) return new Map();
  const rows = (await manager.query(
    `SELECT encounter_id, outcome FROM ${table}
     WHERE encounter_id = ANY($1::text[]) AND outcome IS NOT NULL`,
    [ids],
  )) as Array<{ encounter_id: string; outcome: ReadmissionClass }>;
  return new Map(rows.map((row) => [row.encounter_id, row.outcome]));
}

/** Sets the outcome of ids this transaction has claimed or locked. */
export async function setOutcomes(
  manager: EntityManager,
  table: string,
  changes: ReadonlyMap<string, ReadmissionClass>,
  recordedAt: number,
): Promise<void> {
  if (changes.size === 0) return;
  const ids = [...changes.keys()].sort();
  await manager.query(
    `UPDATE ${table} AS k SET outcome = v.outcome, outcome_recorded_at = $3
     FROM unnest($1::text[], $2::text[]) AS v(id, outcome)
     WHERE k.encounter_id = v.id`,
    [ids, ids.map((id) => changes.get(id)), recordedAt],
  );
}

/** An encounter read from the log. */
export interface LoggedEncounter {
  /** The encounter's pseudonym (or legacy clear id, on a log not migrated yet). */
  readonly encounterId: string;
  /** The patient's pseudonym: a forget deletes the patient's rows by it. */
  readonly patient: string | null;
}

/** An outcome read from the log. */
export interface LoggedOutcome {
  /** The encounter's pseudonym (or legacy clear id, on a log not migrated yet). */
  readonly encounterId: string;
  readonly patient?: string | null;
  readonly outcome: ReadmissionClass;
  readonly recordedAt: number;
}

/** Marks encounters seen on the log as recorded (idempotent: a redelivery changes nothing). */
export async function learnEncounters(
  manager: EntityManager,
  table: string,
  encounters: readonly LoggedEncounter[],
): Promise<void> {
  const byId = new Map(encounters.map((encounter) => [encounter.encounterId, encounter.patient]));
  const distinct = [...byId.keys()].sort();
  if (distinct.length === 0) return;
  await manager.query(
    `INSERT INTO ${table} AS k (encounter_id, recorded, patient_nbr)
     SELECT id, true, patient FROM unnest($1::text[], $2::text[]) AS seen(id, patient)
     ORDER BY id COLLATE "C"
     ON CONFLICT (encounter_id) DO UPDATE
       SET recorded = true, patient_nbr = coalesce(k.patient_nbr, excluded.patient_nbr)
       WHERE NOT k.recorded OR k.patient_nbr IS NULL`,
    [distinct, distinct.map((id) => byId.get(id) ?? null)],
  );
}

/**
 * Deletes every row of a forgotten patient (their encounters and outcomes); returns how many.
 * Rows an upload claimed are tied to their patient when the log's copy of the encounter is
 * learned, which follows the upload by moments.
 */
export async function forgetPatientKeys(
  manager: EntityManager,
  table: string,
  patient: string,
): Promise<number> {
  // Counted by a SELECT: typeorm answers a DELETE … RETURNING with [rows, count], not rows.
  const [{ deleted }] = (await manager.query(
    `WITH gone AS (DELETE FROM ${table} WHERE patient_nbr = $1 RETURNING 1)
     SELECT count(*)::int AS deleted FROM gone`,
    [patient],
  )) as Array<{ deleted: number }>;
  return deleted;
}

/**
 * Keeps the latest outcome seen on the log for each encounter, by recordedAt as training
 * orders them (idempotent, and an older outcome read late never replaces a newer one). An
 * outcome read before its encounter leaves the encounter unrecorded, so an upload of it is
 * still published.
 */
export async function learnOutcomes(
  manager: EntityManager,
  table: string,
  outcomes: readonly LoggedOutcome[],
): Promise<void> {
  const latest = new Map<string, LoggedOutcome>();
  for (const outcome of outcomes) {
    const earlier = latest.get(outcome.encounterId);
    if (!earlier || outcome.recordedAt >= earlier.recordedAt)
      latest.set(outcome.encounterId, outcome);
  }
  if (latest.size === 0) return;
  const sorted = [...latest.values()].sort((a, b) =>
    a.encounterId < b.encounterId ? -1 : a.encounterId > b.encounterId ? 1 : 0,
  );
  await manager.query(
    `INSERT INTO ${table} AS k (encounter_id, recorded, outcome, outcome_recorded_at, patient_nbr)
     SELECT id, false, outcome, at, patient
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS seen(id, outcome, at, patient)
     ORDER BY id COLLATE "C"
     ON CONFLICT (encounter_id) DO UPDATE
       SET outcome = excluded.outcome, outcome_recorded_at = excluded.outcome_recorded_at,
           patient_nbr = coalesce(k.patient_nbr, excluded.patient_nbr)
       WHERE k.outcome_recorded_at IS NULL OR k.outcome_recorded_at <= excluded.outcome_recorded_at`,
    [
      sorted.map((outcome) => outcome.encounterId),
      sorted.map((outcome) => outcome.outcome),
      sorted.map((outcome) => outcome.recordedAt),
      sorted.map((outcome) => outcome.patient ?? null),
    ],
  );
}
