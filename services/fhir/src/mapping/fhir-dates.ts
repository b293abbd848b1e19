/**
 * FHIR date and dateTime values as the mapping reads them: the instant (for ordering and the
 * event's UTC times) and the calendar date as the sender wrote it (for stays and ages, which
 * hospitals count in local days).
 */

/** A FHIR dateTime with a day: `2015-03-02`, or `2015-03-02T14:05[:00[.000]]` with Z or ±hh:mm. */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** A FHIR date, possibly partial: `1950`, `1950-03`, `1950-03-15`. */
const PARTIAL_DATE = /^(\d{4})(-(\d{2})(-(\d{2}))?)?$/;
export const DAY_MS = 86_400_000;

/** A point in time read from a FHIR dateTime that names its day. */
export interface FhirDateTime {
  /** Milliseconds since 1970, UTC (a date alone is its midnight UTC, as the row reader takes it). */
  readonly instant: number;
  /** Days since 1970 of the calendar date as written, in the sender's own time zone. */
  readonly localDay: number;
}

/**
 * The dateTimes read lately: one stay's dates are read for its row, its visit and its orders.
 * Bounded, and a cache of a pure function, so it changes no answer.
 */
const recentlyRead = new Map<string, FhirDateTime | undefined>();
const RECENT_LIMIT = 4096;

/** Reads a dateTime that names its day; undefined for a partial (`2015-03`) or malformed one. */
export function readDateTime(text: string | undefined): FhirDateTime | undefined {
  if (text === undefined) return undefined;
  if (recentlyRead.has(text)) return recentlyRead.get(text);
  if (recentlyRead.size >= RECENT_LIMIT) recentlyRead.clear();
  const read = parseDateTime(text);
  recentlyRead.set(text, read);
  return read;
}

function parseDateTime(text: string): FhirDateTime | undefined {
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const instant = Date.parse(text);
  if (Number.isNaN(instant)) return undefined;
  const localDay = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
  return { instant, localDay };
}

/** Calendar date parts (month 1–12). */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * A birth date, partial ones taken at the middle of what they name (docs/fhir-mapping.md,
 * Demographics): `1950` → 1950-07-01, `1950-03` → 1950-03-15. Undefined when malformed.
 */
export function readBirthDate(text: string | undefined): CalendarDate | undefined {
  if (text === undefined) return undefined;
  const match = PARTIAL_DATE.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  if (match[3] === undefined) return { year, month: 7, day: 1 };
  const month = Number(match[3]);
  if (month < 1 || month > 12) return undefined;
  return { year, month, day: match[5] === undefined ? 15 : Number(match[5]) };
}

/** The calendar date of a local day number. */
export function calendarDateOf(localDay: number): CalendarDate {
  const date = new Date(localDay * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Whole years from a birth date to a date (a birthday on the date counts). */
export function wholeYearsBetween(birth: CalendarDate, at: CalendarDate): number {
  const beforeBirthday = at.month < birth.month || (at.month === birth.month && at.day < birth.day);
  return at.year - birth.year - (beforeBirthday ? 1 : 0);
}

/** An instant as ISO 8601 UTC (`2015-03-02T13:05:00.000Z`): the row's admitted_at / discharged_at. */
export function isoUtc(instant: number): string {
  return new Date(instant).toISOString();
}
