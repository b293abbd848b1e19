import { US_CORE_ETHNICITY, US_CORE_RACE, SYSTEM } from './code-systems';
import { translate, translateCodings } from './concept-maps/index';
import {
  DAY_MS,
  readBirthDate,
  readDateTime,
  wholeYearsBetween,
  type CalendarDate,
} from './fhir-dates';
import type { Coding, Coverage, Extension, Patient } from './fhir-r4';
import type { MappingTally } from './mapping-tally';
import type { Entry } from './resource-index';

/**
 * Age at admission as the table's ten-year band (`[70-80)`); 100 and over is `[90-100)`, the
 * table's last band. Undefined when the birth date is missing or malformed, or after admission.
 */
export function ageBand(
  birthDate: string | undefined,
  admission: CalendarDate,
): string | undefined {
  const birth = readBirthDate(birthDate);
  if (birth === undefined) return undefined;
  const age = wholeYearsBetween(birth, admission);
  if (age < 0) return undefined;
  const from = Math.min(Math.floor(age / 10) * 10, 90);
  return `[${from}-${from + 10})`;
}

/** Patient.gender; other, unknown and absent are Unknown/Invalid. */
export function genderOf(patient: Patient): string {
  return translate('gender', SYSTEM.administrativeGender, patient.gender) ?? 'Unknown/Invalid';
}

const HISPANIC = '2135-2';
/** The detailed race code "Other Race": the table's Other. */
const OTHER_RACE = '2131-1';

function subExtensionCodings(extension: Extension | undefined, url: string): Coding[] {
  const codings: Coding[] = [];
  for (const part of extension?.extension ?? [])
    if (part.url === url && part.valueCoding !== undefined) codings.push(part.valueCoding);
  return codings;
}

/**
 * Race from the US Core race and ethnicity extensions (docs/fhir-mapping.md, Demographics):
 * Hispanic or Latino ethnicity wins (the table records Hispanic as a race); one OMB race category
 * maps by the race-ethnicity table, two or more are Other, the detailed Other Race is Other;
 * `UNK`, `ASKU` or nothing is missing. Codes the table does not hold are counted.
 */
export function raceOf(patient: Entry<Patient>, tally: MappingTally): string | undefined {
  let race: Extension | undefined;
  let ethnicity: Extension | undefined;
  for (const extension of patient.resource.extension ?? []) {
    if (extension.url === US_CORE_RACE) race = extension;
    else if (extension.url === US_CORE_ETHNICITY) ethnicity = extension;
  }
  if (race === undefined && ethnicity === undefined) return undefined;
  for (const coding of subExtensionCodings(ethnicity, 'ombCategory'))
    if (coding.system === SYSTEM.cdcRace && coding.code === HISPANIC) return 'Hispanic';

  const categories = new Set<string>();
  for (const coding of subExtensionCodings(race, 'ombCategory')) {
    const translation = translateCodings('race-ethnicity', [coding]);
    if (translation.kind === 'mapped') categories.add(coding.code ?? '');
    else if (translation.kind === 'unlisted')
      tally.unmappedCode('Patient.extension:race.ombCategory', coding.system, coding.code);
  }
  if (categories.size > 1) return 'Other';
  if (categories.size === 1) return translate('race-ethnicity', SYSTEM.cdcRace, [...categories][0]);
  for (const coding of subExtensionCodings(race, 'detailed'))
    if (coding.system === SYSTEM.cdcRace && coding.code === OTHER_RACE) return 'Other';
  return undefined;
}

const isActive = (coverage: Coverage) => coverage.status === 'active';

/** A Coverage period holds the instant; a date-only end covers its whole day. */
function holds(coverage: Coverage, instant: number): boolean {
  const start = readDateTime(coverage.period?.start);
  const endText = coverage.period?.end;
  const end = readDateTime(endText);
  const endsAt = end === undefined ? Infinity : end.instant + (endText?.includes('T') ? 1 : DAY_MS);
  return (start === undefined || start.instant <= instant) && instant < endsAt;
}

/**
 * The payer code of the patient's active Coverage whose period holds the admission: the primary
 * one (lowest Coverage.order) when several do, else the first sent. Missing when none does; a
 * Coverage.type no table holds is counted and leaves it missing.
 */
export function payerCodeOf(
  coverages: readonly Entry<Coverage>[],
  admittedAt: number,
  tally: MappingTally,
): string | undefined {
  let chosen: Coverage | undefined;
  for (const { resource } of coverages)
    if (isActive(resource) && holds(resource, admittedAt))
      if (chosen === undefined || (resource.order ?? Infinity) < (chosen.order ?? Infinity))
        chosen = resource;
  if (chosen?.type === undefined) return undefined;
  const translation = translateCodings('payer', chosen.type.coding);
  if (translation.kind === 'mapped') return translation.target;
  if (translation.kind === 'unlisted') countUnlisted(tally, 'Coverage.type', translation.codings);
  return undefined;
}

/** Counts each coding of a concept no table holds (or the concept itself when it has text only). */
export function countUnlisted(
  tally: MappingTally,
  element: string,
  codings: readonly Coding[],
): void {
  if (codings.length === 0) tally.unmappedCode(element, 'text', undefined);
  for (const coding of codings) tally.unmappedCode(element, coding.system, coding.code);
}
