import { DAY_MS } from './fhir-dates';
import type { HistoryVisit, VisitKind } from './patient-history';

/** How far back prior visits count: the 365 days before the admission. */
export const LOOKBACK_MS = 365 * DAY_MS;

export type PriorVisits = Readonly<Record<VisitKind, number>>;

/**
 * number_outpatient, number_emergency, number_inpatient (docs/fhir-mapping.md, Prior visits): the
 * patient's visits that started in the 365 days before the admission (nothing at or after it, so
 * no later data leaks in), each once (`visits` holds each key once), neither the stay itself nor a
 * part of it.
 */
export function priorVisitsOf(
  visits: readonly HistoryVisit[],
  stayKey: string,
  admittedAt: number,
): PriorVisits {
  const counts = { outpatient: 0, emergency: 0, inpatient: 0 };
  const from = admittedAt - LOOKBACK_MS;
  for (const visit of visits) {
    if (visit.startedAt < from || visit.startedAt >= admittedAt) continue;
    if (visit.visitKey === stayKey || visit.partOf === stayKey) continue;
    counts[visit.kind] += 1;
  }
  return counts;
}

/** Visits from the input and from the history, each key once (the input's, which is newer). */
export function mergedVisits(
  fromInput: readonly HistoryVisit[],
  fromHistory: readonly HistoryVisit[],
): HistoryVisit[] {
  if (fromHistory.length === 0) return [...fromInput];
  const keys = new Set(fromInput.map((visit) => visit.visitKey));
  return [...fromInput, ...fromHistory.filter((visit) => !keys.has(visit.visitKey))];
}
