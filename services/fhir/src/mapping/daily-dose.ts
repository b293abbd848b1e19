import type { Dosage, MedicationRequest, Timing } from './fhir-r4';

/** A daily dose and its unit. */
export interface DailyDose {
  readonly amount: number;
  readonly unit: string | null;
}

/** Periods per day of each unit of Timing.repeat.periodUnit. */
const PER_DAY: Readonly<Record<string, number>> = {
  s: 86_400,
  min: 1_440,
  h: 24,
  d: 1,
  wk: 1 / 7,
  mo: 1 / 30,
  a: 1 / 365,
};

/** Doses a day of the v3-GTSAbbreviation codes orders use most. */
const TIMING_CODES: Readonly<Record<string, number>> = {
  QD: 1,
  AM: 1,
  PM: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  QOD: 0.5,
  Q4H: 6,
  Q6H: 4,
  Q8H: 3,
};

/** Doses a day a timing says: frequency per period, else its code, else one per event of `when`. */
export function dosesPerDay(timing: Timing | undefined): number | undefined {
  const repeat = timing?.repeat;
  if (repeat?.period !== undefined && repeat.periodUnit !== undefined && repeat.period > 0)
    return ((repeat.frequency ?? 1) * PER_DAY[repeat.periodUnit]) / repeat.period;
  const code = timing?.code?.coding?.find(
    (c) => c.code !== undefined && c.code in TIMING_CODES,
  )?.code;
  if (code !== undefined) return TIMING_CODES[code];
  if (repeat?.when !== undefined && repeat.when.length > 0) return repeat.when.length;
  return undefined;
}

function dailyDoseOfInstruction(dosage: Dosage): DailyDose | undefined {
  const quantity = dosage.doseAndRate?.find((d) => d.doseQuantity !== undefined)?.doseQuantity;
  const perDay = dosesPerDay(dosage.timing);
  if (quantity?.value === undefined || perDay === undefined) return undefined;
  return { amount: quantity.value * perDay, unit: quantity.code ?? quantity.unit ?? null };
}

/**
 * A request's daily dose (docs/fhir-mapping.md): doseQuantity × doses a day, summed over its
 * dosage instructions (a basal and a correction dose). Undefined when an instruction does not say
 * its dose or timing, or when they use different units: such a dose cannot be compared.
 */
export function dailyDoseOf(request: MedicationRequest): DailyDose | undefined {
  const instructions = request.dosageInstruction;
  if (instructions === undefined || instructions.length === 0) return undefined;
  let amount = 0;
  let unit: string | null | undefined;
  for (const instruction of instructions) {
    const dose = dailyDoseOfInstruction(instruction);
    if (dose === undefined || (unit !== undefined && dose.unit !== unit)) return undefined;
    amount += dose.amount;
    unit = dose.unit;
  }
  return { amount, unit: unit ?? null };
}

/** The sum of daily doses in one unit; undefined when one is unknown or the units differ. */
export function sumOfDoses(doses: readonly (DailyDose | undefined)[]): DailyDose | undefined {
  let amount = 0;
  let unit: string | null | undefined;
  for (const dose of doses) {
    if (dose === undefined || (unit !== undefined && dose.unit !== unit)) return undefined;
    amount += dose.amount;
    unit = dose.unit;
  }
  return unit === undefined ? undefined : { amount, unit };
}
