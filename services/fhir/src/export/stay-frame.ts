import type { SeededRandom } from '@readmit/ml';
import type { Encounter, Patient, Reference } from '../mapping/fhir-r4';
import { isoInstant, type Day } from './calendar';
import { reference, resourceId } from './resource-ids';
import type { PlannedStay } from './stay-dates';

/** Admissions happen from 07:00 to 20:00, discharges from 09:00 to 17:00 (UTC). */
const ADMISSION_HOURS = { from: 7, to: 20 };
const DISCHARGE_HOURS = { from: 9, to: 17 };

/**
 * One stay as the resource builders see it: its references, ids, dates and the stay's own seeded
 * random, so each encounter's resources depend on the row and the seed only.
 */
export class StayFrame {
  readonly patient: Reference<Patient>;
  readonly encounter: Reference<Encounter>;
  readonly admissionDay: Day;
  readonly dischargeDay: Day;
  readonly lookBackFrom: Day;
  /** Minutes after midnight of the admission and of the discharge. */
  readonly admissionMinute: number;
  readonly dischargeMinute: number;

  constructor(
    readonly patientId: string,
    /** The encounter id as the row has it (canonical text). */
    readonly encounterId: string,
    dates: PlannedStay,
    readonly random: SeededRandom,
  ) {
    this.patient = reference('Patient', patientId);
    this.encounter = reference('Encounter', this.id());
    this.admissionDay = dates.admissionDay;
    this.dischargeDay = dates.dischargeDay;
    this.lookBackFrom = dates.lookBackFrom;
    this.admissionMinute = minuteBetween(random, ADMISSION_HOURS);
    this.dischargeMinute = minuteBetween(random, DISCHARGE_HOURS);
  }

  /** The id of a resource of this stay: `e149190`, `e149190-lab-3`. */
  id(kind?: string, number?: number): string {
    const parts: (string | number)[] = [this.encounterId];
    if (kind !== undefined) parts.push(kind);
    if (number !== undefined) parts.push(number);
    return resourceId('e', ...parts);
  }

  instant(day: Day, minutes: number): string {
    return isoInstant(day, minutes);
  }

  get admittedAt(): string {
    return isoInstant(this.admissionDay, this.admissionMinute);
  }

  get dischargedAt(): string {
    return isoInstant(this.dischargeDay, this.dischargeMinute);
  }

  minutesAfterAdmission(minutes: number): string {
    return isoInstant(this.admissionDay, this.admissionMinute + minutes);
  }

  /** The `index`-th of `count` instants spread evenly inside the stay (never at its ends). */
  duringStay(index: number, count: number): string {
    const length =
      (this.dischargeDay - this.admissionDay) * 1440 + this.dischargeMinute - this.admissionMinute;
    return this.minutesAfterAdmission(Math.floor(((index + 1) * length) / (count + 1)));
  }
}

function minuteBetween(random: SeededRandom, hours: { from: number; to: number }): number {
  return hours.from * 60 + random.int((hours.to - hours.from) * 60);
}
