import type { SeededRandom } from '@readmit/ml';
import { dayOf, wholeYearsAt, type Day } from './calendar';

/**
 * Admissions of one patient at least this far apart. The mapper looks 365 days back for prior
 * visits and previous medication orders; 400 days is more than that plus the longest stay (14
 * days), so one stay's visits, orders and the stay itself never fall in another stay's window.
 */
export const MIN_ADMISSION_SPACING_DAYS = 400;
/**
 * How far back a stay's prior visits and previous orders go: well inside the mapper's 365 days,
 * so a day more or less in how a reader counts them changes nothing.
 */
const LOOK_BACK_DAYS = 350;
/** Stays never overlap: the longest stay (14 days) and a day. */
const SHORTEST_SPACING_DAYS = 15;
/** Where stays are placed when they fit: the years of the UCI data (1999-2008). */
const UCI_FIRST_DAY = dayOf(1999, 1, 1);
const UCI_LAST_DAY = dayOf(2008, 12, 31);
/**
 * The last day a stay may end: ICD-10-CM replaced ICD-9-CM on 2015-10-01, and the mapper reads
 * the diagnoses in the system in force at discharge.
 */
export const LAST_ICD9_DAY = dayOf(2015, 9, 30);
/**
 * Days kept clear of each end of an age band: a year is 365.25 days on average but a given
 * birthday anniversary can be up to two days off that (leap years, 1900 not being one), and the
 * birth date may move one day off 29 February.
 */
const BAND_MARGIN_DAYS = 4;
const DAYS_PER_YEAR = 365.25;

/** One stay to date: its age band (`[70-80)`) and its length in calendar days. */
export interface StayToDate {
  readonly ageBand: string;
  readonly lengthOfStay: number;
}

/**
 * How a stay's dates came out: `fits` (its band, and 400 days from its neighbours), `spacing-
 * reduced` (its band only with a stay of the patient less than 400 days before it, so its prior
 * visits and previous orders may count that stay's), `age-band-unfit` (no birth date gives the
 * patient every band at the admission dates in encounter order).
 */
export type StayDateFit = 'fits' | 'spacing-reduced' | 'age-band-unfit';

export interface PlannedStay {
  readonly admissionDay: Day;
  readonly dischargeDay: Day;
  /** The first day this stay's prior visits and previous orders may take: after the stay before. */
  readonly lookBackFrom: Day;
  readonly fit: StayDateFit;
}

export interface PatientDates {
  readonly birthDay: Day;
  readonly stays: readonly PlannedStay[];
}

/** The years a band `[lo-hi)` allows; the last band is open above (100 and over is [90-100)). */
function bandYears(ageBand: string): { low: number; high: number } {
  const match = /^\[(\d+)-(\d+)\)$/.exec(ageBand);
  if (!match) throw new Error(`not an age band: ${ageBand}`);
  const low = Number(match[1]);
  const high = Number(match[2]);
  return { low, high: high >= 100 ? Infinity : high };
}

/** The ages in days (since birth) a band allows, kept clear of its ends. */
export function bandDays(ageBand: string): { first: number; last: number } {
  const { low, high } = bandYears(ageBand);
  return {
    first: Math.ceil(low * DAYS_PER_YEAR) + BAND_MARGIN_DAYS,
    // An open band still ends somewhere plausible.
    last: Math.floor(Math.min(high, 100) * DAYS_PER_YEAR) - BAND_MARGIN_DAYS,
  };
}

/**
 * The ages (days since birth) at admission, each at least `spacing` after the one before and
 * as early as its band allows; `fits[k]` says whether stay k stays inside its band.
 */
function agesAtAdmission(stays: readonly StayToDate[], spacing: number) {
  const ages: number[] = [];
  const fits: boolean[] = [];
  for (const [index, stay] of stays.entries()) {
    const band = bandDays(stay.ageBand);
    const age = index === 0 ? band.first : Math.max(ages[index - 1] + spacing, band.first);
    ages.push(age);
    fits.push(age <= band.last);
  }
  return { ages, fits };
}

/** The widest spacing (at most 400 days) that keeps every stay in its band; null when none does. */
function widestFittingSpacing(stays: readonly StayToDate[]): number | null {
  const fitsAll = (spacing: number) => agesAtAdmission(stays, spacing).fits.every(Boolean);
  if (fitsAll(MIN_ADMISSION_SPACING_DAYS)) return MIN_ADMISSION_SPACING_DAYS;
  if (!fitsAll(SHORTEST_SPACING_DAYS)) return null;
  let fitting = SHORTEST_SPACING_DAYS;
  let failing = MIN_ADMISSION_SPACING_DAYS;
  while (failing - fitting > 1) {
    const middle = (fitting + failing) >>> 1;
    if (fitsAll(middle)) fitting = middle;
    else failing = middle;
  }
  return fitting;
}

/**
 * The first admission day for stays spanning `span` days: a random day that puts them all in
 * 1999-2008 when they fit there, else in 1999 to September 2015, else ending in September 2015.
 */
function firstAdmissionDay(span: number, random: SeededRandom): Day {
  for (const lastDay of [UCI_LAST_DAY, LAST_ICD9_DAY]) {
    const latest = lastDay - span;
    if (latest >= UCI_FIRST_DAY) return UCI_FIRST_DAY + random.int(latest - UCI_FIRST_DAY + 1);
  }
  return LAST_ICD9_DAY - span;
}

export const isLeapDay = (day: Day) => {
  const date = new Date(day * 86_400_000);
  return date.getUTCMonth() === 1 && date.getUTCDate() === 29;
};

/**
 * Dates for a patient's stays (in encounter order) and a birth date, so that the patient's age
 * at each admission is in the stay's band and admissions are 400 days apart: spacing shrinks
 * only when the bands leave no room (many stays in one band), and a stay no birth date fits is
 * placed 400 days after the one before and marked. The birth date sits in the middle of what the
 * bands allow, never on 29 February (whose birthday some readers move to 28 February, others to
 * 1 March).
 */
export function planPatientDates(stays: readonly StayToDate[], random: SeededRandom): PatientDates {
  if (stays.length === 0) throw new Error('a patient without stays has no dates to plan');
  const spacing = widestFittingSpacing(stays);
  const { ages, fits } = agesAtAdmission(stays, spacing ?? MIN_ADMISSION_SPACING_DAYS);
  // Move every admission later in the patient's life by half the room the bands leave.
  const room = Math.min(
    ...stays.map((stay, index) =>
      fits[index] ? bandDays(stay.ageBand).last - ages[index] : Infinity,
    ),
  );
  const shift = Number.isFinite(room) ? Math.floor(room / 2) : 0;
  const last = stays.length - 1;
  const span = ages[last] - ages[0] + stays[last].lengthOfStay;
  const firstDay = firstAdmissionDay(span, random);
  let birthDay = firstDay - (ages[0] + shift);
  if (isLeapDay(birthDay)) birthDay -= 1;

  const planned: PlannedStay[] = [];
  for (const [index, stay] of stays.entries())
    planned.push(plannedStay(stay, firstDay + ages[index] - ages[0], birthDay, planned[index - 1]));
  return { birthDay, stays: planned };
}

/**
 * A stay admitted on `admissionDay`: its discharge, where its look-back starts (after the stay
 * before) and how it fits (its band at that age, its spacing from the stay before).
 */
export function plannedStay(
  stay: StayToDate,
  admissionDay: Day,
  birthDay: Day,
  previous: PlannedStay | undefined,
): PlannedStay {
  const { low, high } = bandYears(stay.ageBand);
  const age = wholeYearsAt(birthDay, admissionDay);
  const inBand = age >= low && age < high;
  const close =
    previous !== undefined && admissionDay - previous.admissionDay < MIN_ADMISSION_SPACING_DAYS;
  return {
    admissionDay,
    dischargeDay: admissionDay + stay.lengthOfStay,
    lookBackFrom: Math.min(
      admissionDay - 1,
      Math.max(admissionDay - LOOK_BACK_DAYS, previous ? previous.dischargeDay + 1 : -Infinity),
    ),
    fit: !inBand ? 'age-band-unfit' : close ? 'spacing-reduced' : 'fits',
  };
}
