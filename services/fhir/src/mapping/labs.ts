import { SYSTEM } from './code-systems';
import { translate } from './concept-maps/index';
import { readDateTime } from './fhir-dates';
import type { Observation, Procedure, Quantity } from './fhir-r4';
import type { MappingTally } from './mapping-tally';
import type { Entry } from './resource-index';

/** Results that were reported: not registered (ordered), cancelled or entered in error. */
const REPORTED = new Set(['final', 'amended', 'corrected', 'preliminary']);

const isReported = (observation: Observation) => REPORTED.has(observation.status);

const hasLaboratoryCategory = (observation: Observation) =>
  observation.category?.some((concept) =>
    concept.coding?.some((c) => c.code === 'laboratory' && c.system === SYSTEM.observationCategory),
  ) ?? false;

/** The kind a LOINC code names (ConceptMap lab-codes), if any of the observation's codings has one. */
function labKindOf(observation: Observation): string | undefined {
  for (const coding of observation.code?.coding ?? []) {
    if (coding.system !== SYSTEM.loinc) continue;
    const kind = translate('lab-codes', SYSTEM.loinc, coding.code);
    if (kind !== undefined) return kind;
  }
  return undefined;
}

/**
 * num_lab_procedures: every reported result of category laboratory that names the encounter, not
 * distinct tests (the table counts tests performed); bedside glucose counts when sent as a
 * laboratory result.
 */
export function labCountOf(observations: readonly Entry<Observation>[]): number {
  let count = 0;
  for (const { resource } of observations)
    if (isReported(resource) && hasLaboratoryCategory(resource)) count += 1;
  return count;
}

/** A quantity's unit as UCUM writes it (its code), else its display unit. */
const unitOf = (quantity: Quantity) => quantity.code ?? quantity.unit;

/** mg/dL per mmol/L of glucose (molar mass 180.16 g/mol). */
const GLUCOSE_MG_DL_PER_MMOL_L = 18.016;

/** A serum or plasma glucose in mg/dL; undefined (counted) for a unit we cannot convert. */
function glucoseMgDl(kind: string, quantity: Quantity, tally: MappingTally): number | undefined {
  const unit = unitOf(quantity) ?? (kind === 'glucose-serum-moles' ? 'mmol/L' : 'mg/dL');
  if (unit === 'mg/dL') return quantity.value;
  if (unit === 'mmol/L') return (quantity.value as number) * GLUCOSE_MG_DL_PER_MMOL_L;
  tally.unmappedCode('Observation.valueQuantity.code', quantity.system, unit);
  return undefined;
}

/** An HbA1c as NGSP %, from % or from IFCC mmol/mol (NGSP = 0.09148 × IFCC + 2.152). */
function a1cPercent(kind: string, quantity: Quantity, tally: MappingTally): number | undefined {
  const unit = unitOf(quantity) ?? (kind === 'a1c-ifcc' ? 'mmol/mol' : '%');
  if (unit === '%') return quantity.value;
  if (unit === 'mmol/mol') return 0.09148 * (quantity.value as number) + 2.152;
  tally.unmappedCode('Observation.valueQuantity.code', quantity.system, unit);
  return undefined;
}

/** Body weight in pounds, from kg, g or [lb_av]. */
function weightPounds(quantity: Quantity, tally: MappingTally): number | undefined {
  const unit = unitOf(quantity);
  const value = quantity.value as number;
  if (unit === 'kg') return value * 2.2046226218;
  if (unit === 'g') return (value / 1000) * 2.2046226218;
  if (unit === '[lb_av]' || unit === 'lb' || unit === 'lbs') return value;
  tally.unmappedCode('Observation.valueQuantity.code', quantity.system, unit);
  return undefined;
}

/** The laboratory bands of a stay, and its weight band. */
export interface StayLabs {
  readonly maxGlucoseSerum: string;
  readonly a1cResult: string;
  readonly weight: string | undefined;
}

const glucoseBand = (mgDl: number) => (mgDl > 300 ? '>300' : mgDl > 200 ? '>200' : 'Norm');
const a1cBand = (percent: number) => (percent > 8 ? '>8' : percent > 7 ? '>7' : 'Norm');
/** The table's weight bands in pounds: [0-25) … [175-200), then >200. */
function weightBand(pounds: number): string {
  if (pounds >= 200) return '>200';
  const from = Math.floor(Math.max(0, pounds) / 25) * 25;
  return `[${from}-${from + 25})`;
}

const effectiveInstant = (observation: Observation) =>
  readDateTime(
    observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued,
  )?.instant ?? -Infinity;

/**
 * max_glu_serum and A1Cresult, each the highest reported value of the stay as a band (`None`
 * without one), and the weight band of the latest body weight. Glucose is serum or plasma only,
 * as the column's name says: whole-blood and capillary readings count as labs, not here.
 */
export function stayLabsOf(
  observations: readonly Entry<Observation>[],
  tally: MappingTally,
): StayLabs {
  let maxGlucose = -Infinity;
  let maxA1c = -Infinity;
  let weight: { at: number; pounds: number } | undefined;
  for (const { resource } of observations) {
    if (!isReported(resource)) continue;
    const quantity = resource.valueQuantity;
    if (quantity?.value === undefined) continue;
    const kind = labKindOf(resource);
    if (kind === 'glucose-serum-mass' || kind === 'glucose-serum-moles') {
      const mgDl = glucoseMgDl(kind, quantity, tally);
      if (mgDl !== undefined && mgDl > maxGlucose) maxGlucose = mgDl;
    } else if (kind === 'a1c-ngsp' || kind === 'a1c-ifcc') {
      const percent = a1cPercent(kind, quantity, tally);
      if (percent !== undefined && percent > maxA1c) maxA1c = percent;
    } else if (kind === 'body-weight') {
      const pounds = weightPounds(quantity, tally);
      const at = effectiveInstant(resource);
      // The latest; among equal times, the last sent.
      if (pounds !== undefined && (weight === undefined || at >= weight.at))
        weight = { at, pounds };
    }
  }
  return {
    maxGlucoseSerum: maxGlucose === -Infinity ? 'None' : glucoseBand(maxGlucose),
    a1cResult: maxA1c === -Infinity ? 'None' : a1cBand(maxA1c),
    weight: weight === undefined ? undefined : weightBand(weight.pounds),
  };
}

/** SNOMED CT 108252007 Laboratory procedure: counted as labs, not procedures. */
const LABORATORY_PROCEDURE = '108252007';

const isLaboratoryProcedure = (procedure: Procedure) =>
  procedure.category?.coding?.some(
    (c) => c.code === LABORATORY_PROCEDURE && c.system === SYSTEM.snomed,
  ) ?? false;

/** num_procedures: completed Procedures naming the encounter that are not laboratory procedures. */
export function procedureCountOf(procedures: readonly Entry<Procedure>[]): number {
  let count = 0;
  for (const { resource } of procedures)
    if (resource.status === 'completed' && !isLaboratoryProcedure(resource)) count += 1;
  return count;
}
