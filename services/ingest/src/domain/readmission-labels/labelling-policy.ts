const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A readmission this soon after discharge (or sooner) is `WITHIN_30_DAYS`: the UCI `<30`. */
export const WITHIN_30_DAYS_MS = 30 * DAY_MS;

/**
 * A transfer from a hospital admitted this soon after a discharge of the same patient continues
 * that stay (CMS counts a chain of transfers as one episode) instead of readmitting the patient.
 */
export const TRANSFER_CONTINUATION_MS = 24 * HOUR_MS;

/** How the labeller waits for admissions. */
export interface LabellingPolicy {
  /**
   * A stay with no readmission this long after its discharge is `NO`; a first readmission
   * between 30 days and this is `AFTER_30_DAYS` (the UCI `>30`, which it does not bound).
   */
  readonly horizonMs: number;
  /**
   * How far behind the latest admission seen an admission may still arrive and count: the
   * watermark is the latest admission minus this.
   */
  readonly allowedLatenessMs: number;
}

export const DEFAULT_HORIZON_DAYS = 365;
export const DEFAULT_ALLOWED_LATENESS_HOURS = 72;

/** The policy from its configured days and hours; refuses a horizon that leaves no `>30` band. */
export function labellingPolicy(
  horizonDays: number,
  allowedLatenessHours: number,
): LabellingPolicy {
  if (!(horizonDays > 30))
    throw new Error(`the readmission horizon must be over 30 days (got ${horizonDays})`);
  if (!(allowedLatenessHours >= 0))
    throw new Error(`the allowed lateness cannot be negative (got ${allowedLatenessHours})`);
  return { horizonMs: horizonDays * DAY_MS, allowedLatenessMs: allowedLatenessHours * HOUR_MS };
}
