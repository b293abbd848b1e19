import type { ReadmissionClass } from '@readmit/contracts';
import type { SeededRandom } from '@readmit/ml';
import type { Day } from '../export/calendar';
import type { LabelledUciRow } from '../export/uci-export';
import {
  bandDays,
  isLeapDay,
  LAST_ICD9_DAY,
  plannedStay,
  type PatientDates,
  type PlannedStay,
} from '../export/stay-dates';

/** A row with the label its generator gave it. */
export type LabelledStayRow = LabelledUciRow;

/**
 * Days from a discharge to the next admission that realise each label, clear of the labeller's
 * bounds: the admission and discharge times of day move a gap by up to half a day either way, a
 * transfer within 24 hours continues a stay, and 30 days and the 365-day horizon are the edges.
 */
export const READMISSION_GAP_DAYS: Readonly<
  Record<'WITHIN_30_DAYS' | 'AFTER_30_DAYS', { readonly from: number; readonly to: number }>
> = {
  WITHIN_30_DAYS: { from: 2, to: 28 },
  AFTER_30_DAYS: { from: 32, to: 360 },
};

/**
 * Discharge dispositions after which a patient does not come back (IDs_mapping.csv): expired (11;
 * 19, 20, 21 under hospice) and hospice (13, 14). A chain ends there whatever the row's label.
 */
const ENDS_CARE = new Set([11, 13, 14, 19, 20, 21]);

/**
 * Dispositions whose stays get no readmission label of their own (docs/ingest.md, Deaths and
 * transfers): ending care, and a transfer to another short-term hospital (2).
 */
const NO_OWN_LABEL = new Set([...ENDS_CARE, 2]);

/** The label a readmission labeller derives for the row when its chain realises it, else null. */
export function derivableLabel(row: LabelledStayRow, last: boolean): ReadmissionClass | null {
  if (NO_OWN_LABEL.has(row.encounter.discharge_disposition_id)) return null;
  if (last) return row.outcome === 'NO' ? 'NO' : null;
  return row.outcome;
}

/** True when the row's label says the patient comes back and nothing says they cannot. */
export function isReadmitted(row: LabelledStayRow): boolean {
  return (
    (row.outcome === 'WITHIN_30_DAYS' || row.outcome === 'AFTER_30_DAYS') &&
    !ENDS_CARE.has(row.encounter.discharge_disposition_id)
  );
}

/** One patient's stays, each (but the last) readmitted by the next as its label says. */
export interface ReadmissionChain {
  readonly rows: readonly LabelledStayRow[];
  /** The last row says the patient comes back, but the input ran out before a stay could. */
  readonly unmet: boolean;
}

/**
 * Independent labelled rows (a synthetic stream draws each on its own) strung into patients whose
 * later stays realise the earlier ones' labels: a row labelled `<30` or `>30` is followed by the
 * next row of the same age band (so the patient ages plausibly), a `NO` row or one ending care
 * closes its chain. Rows stay in input order within a chain; a readmitted row left without a
 * successor at the end of the input is marked unmet.
 */
export function chainReadmissions(rows: Iterable<LabelledStayRow>): ReadmissionChain[] {
  const chains: LabelledStayRow[][] = [];
  /** Chains waiting for their next stay, by age band, oldest first. */
  const waiting = new Map<string, LabelledStayRow[][]>();
  for (const row of rows) {
    const band = row.encounter.age;
    let chain = waiting.get(band)?.shift();
    if (!chain) {
      chain = [];
      chains.push(chain);
    }
    chain.push(row);
    if (!isReadmitted(row)) continue;
    const queue = waiting.get(band);
    if (queue) queue.push(chain);
    else waiting.set(band, [chain]);
  }
  return chains.map((chain) => ({ rows: chain, unmet: isReadmitted(chain[chain.length - 1]) }));
}

/** Where a chain's first admission may fall. */
export interface AdmissionWindow {
  readonly firstDay: Day;
  readonly lastDay: Day;
}

/**
 * Dates for a chain's stays: each admission its gap (READMISSION_GAP_DAYS for the label) after
 * the discharge before, the first on a random day that keeps the whole chain in the window (the
 * window's first day when the chain is longer than the window), and the chain ending by
 * September 2015 (the mapper reads ICD-9-CM codes up to then). Stays sent after the window's come
 * later in time: a readmission labeller counts on that. The birth date puts the first admission
 * at a random age of the band that leaves room for the rest of the chain.
 */
export function planChainDates(
  rows: readonly LabelledStayRow[],
  window: AdmissionWindow,
  random: SeededRandom,
): PatientDates {
  if (rows.length === 0) throw new Error('a chain without stays has no dates to plan');
  const offsets: number[] = [];
  let offset = 0;
  for (const [index, row] of rows.entries()) {
    offsets.push(offset);
    const gap = index < rows.length - 1 ? gapDays(row, random) : 0;
    offset += row.encounter.time_in_hospital + gap;
  }
  const lastOffset = offsets[offsets.length - 1];
  const span = lastOffset + rows[rows.length - 1].encounter.time_in_hospital;
  const startDays = Math.max(1, window.lastDay - lastOffset - window.firstDay + 1);
  const firstDay = Math.min(window.firstDay + random.int(startDays), LAST_ICD9_DAY - span);
  const band = bandDays(rows[0].encounter.age);
  const room = band.last - band.first - lastOffset;
  let birthDay = firstDay - (band.first + (room > 0 ? random.int(room + 1) : 0));
  if (isLeapDay(birthDay)) birthDay -= 1;
  const stays: PlannedStay[] = [];
  for (const [index, row] of rows.entries())
    stays.push(
      plannedStay(
        { ageBand: row.encounter.age, lengthOfStay: row.encounter.time_in_hospital },
        firstDay + offsets[index],
        birthDay,
        stays[index - 1],
      ),
    );
  return { birthDay, stays };
}

function gapDays(row: LabelledStayRow, random: SeededRandom): number {
  const outcome = row.outcome;
  if (outcome !== 'WITHIN_30_DAYS' && outcome !== 'AFTER_30_DAYS')
    throw new Error('only a readmitted stay has a next stay in its chain');
  const { from, to } = READMISSION_GAP_DAYS[outcome];
  return from + random.int(to - from + 1);
}
