import type { EncounterRecorded, ReadmissionClass } from '@readmit/contracts';
import { DeadlineQueue } from './deadline-queue';
import {
  indexExclusionOf,
  readmissionGap,
  stayOf,
  type IndexExclusion,
  type InpatientStay,
} from './inpatient-stay';
import { WITHIN_30_DAYS_MS, type LabellingPolicy } from './labelling-policy';

/**
 * Slack for clocks: a stay may end at most this long after its encounter was recorded. One
 * ending later is a wrong date, and taken as an admission time it would push the watermark ahead
 * and close every open stay at once, for good (labels are final).
 */
const FUTURE_SLACK_MS = 24 * 3_600_000;

/** What the labeller made of an encounter. */
export type EncounterVerdict =
  | {
      readonly kind: 'tracked';
      /** Admitted before the watermark: it still counts, but labels already emitted stand. */
      readonly late: boolean;
      /** Why the stay gets no label of its own, if so. */
      readonly exclusion: IndexExclusion | null;
    }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason };

/**
 * undated: no admission or discharge date (the UCI table); future: discharged after it was
 * recorded; forgotten: the patient was forgotten; duplicate: the encounter is already held.
 */
export type IgnoreReason = 'undated' | 'future' | 'forgotten' | 'duplicate';

/** An outcome the labeller derived, to be written as OutcomeRecorded (derivation DERIVED). */
export interface DerivedLabel {
  /** The index stay the outcome is about. */
  readonly stay: InpatientStay;
  readonly readmitted: ReadmissionClass;
  /** From its discharge to the first readmission; null when none came within the horizon. */
  readonly gapMs: number | null;
}

/**
 * Derives readmission labels from each patient's dated inpatient stays, in event time. Pure
 * state: the caller feeds it encounters, the outcomes already on the log (reported or derived:
 * either closes the encounter) and forgotten patients, then asks which labels are due.
 *
 * An index stay D (dates known, not ended by death, hospice or a transfer out, no outcome yet)
 * is `WITHIN_30_DAYS` as soon as a readmission at most 30 days after its discharge is held,
 * whatever the order of arrival; `AFTER_30_DAYS` once the watermark is past discharge + 30 days
 * and its first readmission came within the horizon; `NO` once the watermark is past discharge +
 * horizon without one.
 *
 * The watermark is the latest admission the stream has surely reached, minus the allowed
 * lateness. Encounters come from several partitions, each in order of publication but read at
 * different paces: a partition the reader is behind on (it has unread messages) holds the
 * watermark at its own latest admission, so a backlog read one partition at a time (a history
 * load, a restart) cannot close stays whose readmission waits in another partition. Partitions
 * read up to their end are idle and hold nothing back: the latest admission of all then stands.
 * The watermark never goes back.
 */
export class ReadmissionLabeller {
  /** Stays held, by patient then encounter. */
  private readonly stays = new Map<string, Map<string, InpatientStay>>();
  /** Encounters whose outcome is on the log, reported or derived: never labelled (again). */
  private readonly labelled = new Set<string>();
  private readonly forgotten = new Set<string>();
  /** Index stays by the event times at which the watermark may settle them (+30 d, +horizon). */
  private readonly deadlines = new DeadlineQueue<InpatientStay>();
  /** Patients by the time after which none of their stays can change a label: then dropped. */
  private readonly expiries = new DeadlineQueue<string>();
  /** Stays to look at on the next takeDue: their patient had a new stay. */
  private readonly changed = new Set<InpatientStay>();
  /** The latest admission read from each partition. */
  private readonly latestByPartition = new Map<number, number>();
  /** Partitions with messages not read yet: each holds the watermark at its latest admission. */
  private readonly behind = new Set<number>();
  /** The latest admission the watermark stands on; never goes back. */
  private latestAdmission: number | null = null;
  private held = 0;

  constructor(private readonly policy: LabellingPolicy) {}

  /** The latest admission minus the allowed lateness; null before any dated encounter. */
  get watermark(): number | null {
    return this.latestAdmission === null
      ? null
      : this.latestAdmission - this.policy.allowedLatenessMs;
  }

  /** The latest admission the watermark stands on: what a restart restores it from. */
  get latestAdmissionTime(): number | null {
    return this.latestAdmission;
  }

  /**
   * Whether the reader has messages of `partition` not read yet (from the partition's end offset
   * as the last fetch saw it). A partition never reported is taken as read to its end.
   */
  markPartition(partition: number, hasUnread: boolean): void {
    if (hasUnread) this.behind.add(partition);
    else this.behind.delete(partition);
    this.advance();
  }

  /** Stays held in memory. */
  get heldStays(): number {
    return this.held;
  }

  /**
   * Takes the latest admission a previous run had seen (kept with its committed offsets): its
   * encounter may no longer be readable (a forgotten patient's), and the watermark never goes back.
   */
  restoreLatestAdmission(time: number): void {
    this.latestAdmission = Math.max(this.latestAdmission ?? time, time);
  }

  /** `partition`: the encounter's partition of patient.encounters (one stream when omitted). */
  recordEncounter(encounter: EncounterRecorded, partition = 0): EncounterVerdict {
    const stay = stayOf(encounter);
    if (!stay) return ignored('undated');
    if (stay.dischargedAt > encounter.recordedAt + FUTURE_SLACK_MS) return ignored('future');
    const watermark = this.watermark;
    const late = watermark !== null && stay.admittedAt < watermark;
    // Time moves on with every admission, a forgotten patient's or a re-sent one's too.
    const latest = this.latestByPartition.get(partition);
    if (latest === undefined || stay.admittedAt > latest)
      this.latestByPartition.set(partition, stay.admittedAt);
    this.advance();
    if (this.forgotten.has(stay.patient)) return ignored('forgotten');
    let patientStays = this.stays.get(stay.patient);
    if (!patientStays) {
      patientStays = new Map();
      this.stays.set(stay.patient, patientStays);
    }
    if (patientStays.has(stay.encounterId)) return ignored('duplicate');
    patientStays.set(stay.encounterId, stay);
    this.held += 1;
    // The new stay may readmit any of the patient's earlier stays, and may itself be settled.
    for (const other of patientStays.values()) this.changed.add(other);
    const exclusion = indexExclusionOf(stay);
    if (exclusion === null && !this.labelled.has(stay.encounterId)) {
      this.deadlines.push(stay.dischargedAt + WITHIN_30_DAYS_MS, stay);
      this.deadlines.push(stay.dischargedAt + this.policy.horizonMs, stay);
    }
    this.expiries.push(stay.dischargedAt + this.policy.horizonMs, stay.patient);
    return { kind: 'tracked', late, exclusion };
  }

  /**
   * An outcome of the encounter is on the log: a reported one (explicit labels win) or one this
   * labeller derived before (a restart must not emit it twice). Either way it gets no label now.
   */
  recordOutcome(encounterId: string): void {
    this.labelled.add(encounterId);
  }

  /**
   * Moves the latest admission on to what every partition behind has reached (all of them when
   * none is behind); a partition behind that nothing was read from yet holds it where it is.
   */
  private advance(): void {
    let reached = -Infinity;
    if (this.behind.size === 0) {
      for (const latest of this.latestByPartition.values()) reached = Math.max(reached, latest);
    } else {
      reached = Infinity;
      for (const partition of this.behind)
        reached = Math.min(reached, this.latestByPartition.get(partition) ?? -Infinity);
    }
    if (Number.isFinite(reached)) this.restoreLatestAdmission(reached);
  }

  /** Drops the patient's stays; their encounters are ignored from now on. */
  forgetPatient(patient: string): void {
    this.forgotten.add(patient);
    const patientStays = this.stays.get(patient);
    if (!patientStays) return;
    this.held -= patientStays.size;
    this.stays.delete(patient);
  }

  /**
   * The labels due now, each once: the labeller counts them as on the log from here on (the
   * caller writes them, or rebuilds the labeller from the log if it cannot).
   */
  takeDue(): DerivedLabel[] {
    const watermark = this.watermark;
    if (watermark !== null)
      for (const stay of this.deadlines.popBefore(watermark)) this.changed.add(stay);
    const labels: DerivedLabel[] = [];
    for (const stay of this.changed) {
      if (!this.holds(stay)) continue;
      const label = this.decide(stay, watermark);
      if (label) {
        this.labelled.add(stay.encounterId);
        labels.push(label);
      }
    }
    this.changed.clear();
    if (watermark !== null) this.dropExpired(watermark);
    return labels;
  }

  private decide(stay: InpatientStay, watermark: number | null): DerivedLabel | null {
    if (this.labelled.has(stay.encounterId) || indexExclusionOf(stay) !== null) return null;
    const gap = this.firstReadmissionGap(stay);
    if (gap !== null && gap <= WITHIN_30_DAYS_MS)
      return { stay, readmitted: 'WITHIN_30_DAYS', gapMs: gap };
    // Strictly past: an admission still to come (at or after the watermark) could not change it.
    if (watermark === null || watermark <= stay.dischargedAt + WITHIN_30_DAYS_MS) return null;
    if (gap !== null && gap <= this.policy.horizonMs)
      return { stay, readmitted: 'AFTER_30_DAYS', gapMs: gap };
    if (watermark > stay.dischargedAt + this.policy.horizonMs)
      return { stay, readmitted: 'NO', gapMs: null };
    return null;
  }

  private firstReadmissionGap(index: InpatientStay): number | null {
    let first: number | null = null;
    for (const later of this.stays.get(index.patient)?.values() ?? []) {
      const gap = readmissionGap(index, later);
      if (gap !== null && (first === null || gap < first)) first = gap;
    }
    return first;
  }

  /**
   * Drops patients whose every stay is settled and whose last discharge is past the horizon: an
   * admission still to come cannot readmit any of their stays. Their encounters stay labelled.
   */
  private dropExpired(watermark: number): void {
    for (const patient of this.expiries.popBefore(watermark)) {
      const patientStays = this.stays.get(patient);
      if (!patientStays) continue;
      let lastDischarge = -Infinity;
      let settled = true;
      for (const stay of patientStays.values()) {
        lastDischarge = Math.max(lastDischarge, stay.dischargedAt);
        if (!this.labelled.has(stay.encounterId) && indexExclusionOf(stay) === null)
          settled = false;
      }
      // A later stay of the patient has its own expiry still queued.
      if (watermark <= lastDischarge + this.policy.horizonMs) continue;
      // Every index stay is settled by its horizon deadline, which came first; look again if not.
      if (!settled) {
        this.expiries.push(lastDischarge + this.policy.horizonMs, patient);
        continue;
      }
      this.held -= patientStays.size;
      this.stays.delete(patient);
    }
  }

  /** False for a stay dropped since it was queued (its patient forgotten or expired). */
  private holds(stay: InpatientStay): boolean {
    return this.stays.get(stay.patient)?.get(stay.encounterId) === stay;
  }
}

function ignored(reason: IgnoreReason): EncounterVerdict {
  return { kind: 'ignored', reason };
}
