/**
 * Whole days since 1970-01-01 (UTC) and their ISO forms: the exporter's dates are days plus a
 * time of day, computed without a clock so the same rows always give the same FHIR.
 */
export type Day = number;

const MS_PER_DAY = 86_400_000;

export function dayOf(year: number, month: number, dayOfMonth: number): Day {
  return Math.round(Date.UTC(year, month - 1, dayOfMonth) / MS_PER_DAY);
}

/** `2003-04-12`. */
export function isoDate(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `2003-04-12T14:05:00Z`, `minutes` after the day's midnight (UTC). */
export function isoInstant(day: Day, minutes: number): string {
  return `${new Date(day * MS_PER_DAY + minutes * 60_000).toISOString().slice(0, 19)}Z`;
}

/** Year, month (1-12) and day of month of a day. */
export function partsOf(day: Day): { year: number; month: number; dayOfMonth: number } {
  const date = new Date(day * MS_PER_DAY);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    dayOfMonth: date.getUTCDate(),
  };
}

/**
 * Age in whole years on `day` of someone born on `birth`: the birthday must have come in the
 * current year (the rule the mapper applies to `Patient.birthDate` at `period.start`).
 */
export function wholeYearsAt(birth: Day, day: Day): number {
  const born = partsOf(birth);
  const on = partsOf(day);
  const beforeBirthday =
    on.month < born.month || (on.month === born.month && on.dayOfMonth < born.dayOfMonth);
  return on.year - born.year - (beforeBirthday ? 1 : 0);
}
