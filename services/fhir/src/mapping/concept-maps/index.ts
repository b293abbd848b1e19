import type { Coding, ConceptMap } from '../fhir-r4';
import admissionSource from './admission-source.json';
import admissionType from './admission-type.json';
import dischargeDisposition from './discharge-disposition.json';
import encounterClass from './encounter-class.json';
import gender from './gender.json';
import labCodes from './lab-codes.json';
import medication from './medication.json';
import payer from './payer.json';
import raceEthnicity from './race-ethnicity.json';
import specialty from './specialty.json';

/**
 * The mapping's code tables (docs/fhir-mapping.md), kept as FHIR ConceptMap resources beside this
 * file and versioned with the doc (ConceptMap.version). Forward lookups read FHIR codes into the
 * UCI table's values; reverse lookups give the source coding an exporter sends for a UCI value.
 */
export const CONCEPT_MAPS = {
  'admission-type': admissionType as ConceptMap,
  'admission-source': admissionSource as ConceptMap,
  'discharge-disposition': dischargeDisposition as ConceptMap,
  'race-ethnicity': raceEthnicity as ConceptMap,
  gender: gender as ConceptMap,
  payer: payer as ConceptMap,
  specialty: specialty as ConceptMap,
  medication: medication as ConceptMap,
  'lab-codes': labCodes as ConceptMap,
  'encounter-class': encounterClass as ConceptMap,
} as const;

export type ConceptMapName = keyof typeof CONCEPT_MAPS;

/** The version of the mapping: every table carries it. */
export const MAPPING_VERSION = '1.0.0';

/**
 * What a table says of a source code: `mapped` to a target value, or `known` without one (a code
 * the table lists on purpose, e.g. race `UNK` = missing, or a diabetes drug with no column).
 * Lookups answer undefined for a code the table does not hold: the caller counts it as unmapped.
 */
export type Translation =
  | { readonly kind: 'mapped'; readonly target: string; readonly display?: string }
  | { readonly kind: 'known'; readonly display?: string };

type Index = ReadonlyMap<string, ReadonlyMap<string, Translation>>;

function indexOf(map: ConceptMap): Index {
  const bySystem = new Map<string, Map<string, Translation>>();
  for (const group of map.group ?? []) {
    const source = group.source ?? '';
    const codes = bySystem.get(source) ?? new Map<string, Translation>();
    bySystem.set(source, codes);
    for (const element of group.element ?? []) {
      if (element.code === undefined || codes.has(element.code)) continue;
      const target = element.target?.find((candidate) => candidate.equivalence !== 'unmatched');
      codes.set(
        element.code,
        target?.code !== undefined
          ? { kind: 'mapped', target: target.code, display: element.display }
          : { kind: 'known', display: element.display },
      );
    }
  }
  return bySystem;
}

/** Built once, when the library loads: every lookup is two map reads. */
const INDEXES = Object.fromEntries(
  Object.entries(CONCEPT_MAPS).map(([name, map]) => [name, indexOf(map)]),
) as Readonly<Record<ConceptMapName, Index>>;

/** What the table says of a source code; undefined when it does not hold it. */
export function lookup(
  mapName: ConceptMapName,
  system: string | undefined,
  code: string | undefined,
): Translation | undefined {
  if (system === undefined || code === undefined) return undefined;
  return INDEXES[mapName].get(system)?.get(code);
}

/** The UCI value (or kind) a source code maps to; undefined when it maps to none. */
export function translate(
  mapName: ConceptMapName,
  system: string | undefined,
  code: string | undefined,
): string | undefined {
  const translation = lookup(mapName, system, code);
  return translation?.kind === 'mapped' ? translation.target : undefined;
}

/** Each table's source systems, most preferred first (the order of its groups). */
const SYSTEM_ORDER = Object.fromEntries(
  Object.entries(CONCEPT_MAPS).map(([name, map]): [string, readonly string[]] => [
    name,
    [...new Set((map.group ?? []).map((group) => group.source ?? ''))],
  ]),
) as Readonly<Record<ConceptMapName, readonly string[]>>;

/** What a table says of a concept's codings: the preferred one it holds, or the codings it holds none of. */
export type ConceptTranslation =
  | (Translation & { readonly system: string; readonly code: string })
  | { readonly kind: 'unlisted'; readonly codings: readonly Coding[] };

/**
 * Reads a concept's codings by a table, in the table's order of preference (NUBC before HL7, …):
 * the first coding the most preferred system holds wins, whatever order the sender wrote them in.
 * `unlisted` (with the codings) when the table holds none of them; a concept with no coding is
 * `unlisted` with none.
 */
export function translateCodings(
  mapName: ConceptMapName,
  codings: readonly Coding[] | undefined,
): ConceptTranslation {
  if (codings === undefined || codings.length === 0) return { kind: 'unlisted', codings: [] };
  const index = INDEXES[mapName];
  for (const system of SYSTEM_ORDER[mapName]) {
    const codes = index.get(system);
    if (codes === undefined) continue;
    for (const coding of codings) {
      if (coding.system !== system || coding.code === undefined) continue;
      const translation = codes.get(coding.code);
      if (translation !== undefined) return { ...translation, system, code: coding.code };
    }
  }
  return { kind: 'unlisted', codings };
}

/**
 * Every source coding that maps to a UCI value, most preferred first: the tables list their groups
 * in order of preference (NUBC before HL7, RxNorm codes before ingredient names, Readmit's own UCI
 * system last) and, within a group, the preferred code first.
 */
export function sourceCodings(mapName: ConceptMapName, target: string): Coding[] {
  const codings: Coding[] = [];
  for (const group of CONCEPT_MAPS[mapName].group ?? [])
    for (const element of group.element ?? [])
      if (element.target?.some((t) => t.code === target && t.equivalence !== 'unmatched'))
        codings.push({
          system: group.source,
          code: element.code,
          ...(element.display === undefined ? {} : { display: element.display }),
        });
  return codings;
}

/**
 * The source coding an exporter sends for a UCI value (e.g. discharge_disposition_id `6` →
 * NUBC `06`, medication column `insulin` → RxNorm insulin glargine); undefined when no code carries
 * it: the NULL ids (send no element) and free-text values (send the text).
 */
export function preferredSourceCoding(mapName: ConceptMapName, target: string): Coding | undefined {
  return sourceCodings(mapName, target)[0];
}
