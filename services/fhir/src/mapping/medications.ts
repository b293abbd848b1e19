import type { MedicationChange } from '@readmit/contracts';
import { dailyDoseOf, sumOfDoses, type DailyDose } from './daily-dose';
import type { MedicationRequest } from './fhir-r4';
import type { OrderedMedication } from './medication-ingredients';
import {
  MEDICATION_COLUMN_NAMES,
  type HistoryMedicationOrder,
  type MedicationColumn,
} from './patient-history';
import { LOOKBACK_MS } from './prior-visits';

/** Requests that were never given: they are no order of the stay and no previous order. */
const NOT_AN_ORDER = new Set<string>(['cancelled', 'entered-in-error', 'draft']);

export const isOrder = (request: MedicationRequest) => !NOT_AN_ORDER.has(request.status);

/** In the table but no medicine anyone orders: always No (docs/fhir-mapping.md). */
const NEVER_ORDERED = new Set<MedicationColumn>(['examide', 'citoglipton']);

/** A request of the stay, what it orders, and when it was authored (-Infinity: not said). */
export interface StayOrder {
  readonly request: MedicationRequest;
  readonly ordered: OrderedMedication;
  readonly authoredAt: number;
}

export interface StayMedications {
  readonly columns: Readonly<Record<MedicationColumn, MedicationChange>>;
  readonly numMedications: number;
  readonly change: 'Ch' | 'No';
  readonly diabetesMed: 'Yes' | 'No';
}

/** Relative difference below which two doses are the same (float noise from unit arithmetic). */
const SAME_DOSE = 1e-9;

function compared(now: DailyDose | undefined, before: DailyDose | undefined): MedicationChange {
  if (now === undefined || before === undefined || now.unit !== before.unit) return 'Steady';
  const difference = now.amount - before.amount;
  if (Math.abs(difference) <= SAME_DOSE * Math.max(Math.abs(now.amount), Math.abs(before.amount)))
    return 'Steady';
  return difference > 0 ? 'Up' : 'Down';
}

/**
 * The column's daily dose in the stay: per product (generic name) its latest order, summed over the
 * products (several insulins feed the one insulin column).
 */
function stayDoseOf(orders: readonly StayOrder[]): DailyDose | undefined {
  const latest = new Map<string, StayOrder>();
  for (const order of orders) {
    const seen = latest.get(order.ordered.genericName);
    if (seen === undefined || order.authoredAt >= seen.authoredAt)
      latest.set(order.ordered.genericName, order);
  }
  return sumOfDoses([...latest.values()].map((order) => dailyDoseOf(order.request)));
}

/**
 * The previous order of a column: the patient's latest requests of it authored in the 365 days
 * before the admission (those authored at that same instant, one order set, summed).
 */
function previousOf(
  orders: readonly HistoryMedicationOrder[],
): { readonly dose: DailyDose | undefined; readonly active: boolean } | undefined {
  let latestAt = -Infinity;
  for (const order of orders) if (order.authoredAt > latestAt) latestAt = order.authoredAt;
  const latest = orders.filter((order) => order.authoredAt === latestAt);
  if (latest.length === 0) return undefined;
  return {
    dose: sumOfDoses(
      latest.map((o) => (o.dailyDose === null ? undefined : { amount: o.dailyDose, unit: o.unit })),
    ),
    active: latest.some((order) => order.status === 'active'),
  };
}

/**
 * The 23 medication columns, num_medications, change and diabetesMed of a stay (docs/fhir-mapping.md):
 * each column ordered in the stay is Up, Down or Steady against its previous order; `change` is
 * Ch when a dose went up or down, a drug is new, or a previous active order is not continued (a
 * home drug held on admission). `previous` holds the patient's orders from before, not the stay's.
 */
export function stayMedicationsOf(
  stay: readonly StayOrder[],
  previous: readonly HistoryMedicationOrder[],
  admittedAt: number,
): StayMedications {
  const byColumn = new Map<MedicationColumn, StayOrder[]>();
  const names = new Set<string>();
  for (const order of stay) {
    if (order.ordered.genericName !== '') names.add(order.ordered.genericName);
    for (const column of order.ordered.columns) {
      if (NEVER_ORDERED.has(column)) continue;
      const orders = byColumn.get(column) ?? [];
      orders.push(order);
      byColumn.set(column, orders);
    }
  }
  const previousByColumn = new Map<MedicationColumn, HistoryMedicationOrder[]>();
  const from = admittedAt - LOOKBACK_MS;
  for (const order of previous) {
    if (NOT_AN_ORDER.has(order.status) || order.authoredAt < from || order.authoredAt >= admittedAt)
      continue;
    const orders = previousByColumn.get(order.column) ?? [];
    orders.push(order);
    previousByColumn.set(order.column, orders);
  }

  let changed = false;
  const columns = {} as Record<MedicationColumn, MedicationChange>;
  for (const column of MEDICATION_COLUMN_NAMES) {
    const orders = byColumn.get(column);
    const prior = previousByColumn.get(column);
    const before = prior === undefined ? undefined : previousOf(prior);
    if (orders === undefined) {
      columns[column] = 'No';
      if (before?.active === true && !NEVER_ORDERED.has(column)) changed = true;
      continue;
    }
    const value = before === undefined ? 'Steady' : compared(stayDoseOf(orders), before.dose);
    columns[column] = value;
    if (before === undefined || value !== 'Steady') changed = true;
  }
  return {
    columns,
    numMedications: names.size,
    change: changed ? 'Ch' : 'No',
    diabetesMed: byColumn.size > 0 ? 'Yes' : 'No',
  };
}
