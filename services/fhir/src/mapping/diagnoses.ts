import type { DiagnosisCodeSystem } from '@readmit/contracts';
import { normalizeIcd10 } from '@readmit/ml';
import { SYSTEM } from './code-systems';
import type { CodeableConcept, Coding, Condition, Encounter } from './fhir-r4';
import type { MappingTally } from './mapping-tally';
import type { EncounterResources, Entry, ResourceIndex } from './resource-index';

/** The day ICD-10-CM came into force in the US: 2015-10-01, as days since 1970. */
export const ICD10_IN_FORCE_DAY = Date.UTC(2015, 9, 1) / 86_400_000;

const SYSTEM_URI: Readonly<Record<DiagnosisCodeSystem, string>> = {
  ICD9CM: SYSTEM.icd9cm,
  ICD10CM: SYSTEM.icd10cm,
};

/** The diagnoses of a stay as the row carries them. */
export interface StayDiagnoses {
  /** Distinct codes kept, most important first: diag_1–diag_3 are the first three. */
  readonly codes: readonly string[];
  /** Their code system; undefined when none was kept. */
  readonly system: DiagnosisCodeSystem | undefined;
}

type Role = 'discharge' | 'admitting' | 'other';

interface ListedDiagnosis {
  readonly condition: Entry<Condition>;
  readonly role: Role;
  readonly rank: number;
}

/** Encounter.diagnosis.use: DD and billing (or none) are discharge diagnoses, AD admitting. */
function roleOf(use: CodeableConcept | undefined): Role {
  const coding = use?.coding?.find((c) => c.system === SYSTEM.diagnosisRole);
  if (coding === undefined) return 'discharge';
  if (coding.code === 'DD' || coding.code === 'billing') return 'discharge';
  return coding.code === 'AD' ? 'admitting' : 'other';
}

const hasCategory = (condition: Condition, code: string) =>
  condition.category?.some((concept) =>
    concept.coding?.some((c) => c.code === code && c.system === SYSTEM.conditionCategory),
  ) ?? false;

const NOT_A_DIAGNOSIS = new Set(['entered-in-error', 'refuted']);
const isRefuted = (condition: Condition) =>
  condition.verificationStatus?.coding?.some((c) => NOT_A_DIAGNOSIS.has(c.code ?? '')) ?? false;

/**
 * The conditions that are the stay's diagnoses (docs/fhir-mapping.md, Diagnoses): those
 * Encounter.diagnosis lists as discharge or billing diagnoses (or with no use) by rank, then the
 * encounter-diagnosis Conditions naming the encounter that it does not list, in input order;
 * admitting diagnoses only when there are no others. A listed condition not in the input is counted.
 */
function conditionsOfStay(
  encounter: Entry<Encounter>,
  resources: EncounterResources,
  index: ResourceIndex,
  tally: MappingTally,
): Entry<Condition>[] {
  const listed: ListedDiagnosis[] = [];
  for (const diagnosis of encounter.resource.diagnosis ?? []) {
    const condition = index.resolve<Condition>(diagnosis.condition, 'Condition');
    if (condition === undefined) {
      tally.unmappedCode('Encounter.diagnosis.condition', 'not-in-input', undefined);
      continue;
    }
    listed.push({ condition, role: roleOf(diagnosis.use), rank: diagnosis.rank ?? Infinity });
  }
  // Array.prototype.sort is stable: equal ranks keep the sender's order.
  listed.sort((a, b) => a.rank - b.rank);
  const seen = new Set(listed.map((diagnosis) => diagnosis.condition));
  const discharge = listed.filter((d) => d.role === 'discharge').map((d) => d.condition);
  for (const condition of resources.conditions)
    if (!seen.has(condition) && hasCategory(condition.resource, 'encounter-diagnosis'))
      discharge.push(condition);
  const chosen =
    discharge.length > 0
      ? discharge
      : listed.filter((d) => d.role === 'admitting').map((d) => d.condition);
  return chosen.filter((condition) => !isRefuted(condition.resource));
}

/** A numeric ICD-9 code of 4–5 digits, a V code of 3–4 digits, an E code of 4 digits: sent without their dot. */
const DOTLESS_ICD9 = /^(\d{3}|V\d{2}|E\d{3})(\d{1,2})$/;

/** An ICD-9-CM code with its dot back (`25083` → `250.83`, `V4581` → `V45.81`, `E8889` → `E888.9`). */
export function icd9WithDot(code: string): string {
  const text = code.trim().toUpperCase();
  const match = DOTLESS_ICD9.exec(text);
  if (match === null || (text.startsWith('E') && match[2].length !== 1)) return text;
  return `${match[1]}.${match[2]}`;
}

/** A code as the row carries it, and the form two spellings of one code share. */
function readCode(system: DiagnosisCodeSystem, code: string): { text: string; same: string } {
  if (system === 'ICD9CM') {
    const text = icd9WithDot(code);
    return { text, same: text };
  }
  const text = code.trim();
  return { text, same: normalizeIcd10(text) ?? text.toUpperCase() };
}

const codingOf = (condition: Condition, system: DiagnosisCodeSystem): Coding | undefined =>
  condition.code?.coding?.find((c) => c.system === SYSTEM_URI[system] && c.code !== undefined);

/**
 * The stay's diagnoses (docs/fhir-mapping.md, Diagnoses): each code once, in the code system in
 * force on the discharge date (ICD-10-CM from 2015-10-01) when a diagnosis is coded in it, else
 * the other. A Condition coded in both takes that system's coding; one not coded in it is counted
 * (unmapped) and left out.
 */
export function diagnosesOf(
  encounter: Entry<Encounter>,
  resources: EncounterResources,
  index: ResourceIndex,
  dischargeDay: number,
  tally: MappingTally,
): StayDiagnoses {
  const conditions = conditionsOfStay(encounter, resources, index, tally);
  const inForce: DiagnosisCodeSystem = dischargeDay >= ICD10_IN_FORCE_DAY ? 'ICD10CM' : 'ICD9CM';
  const other: DiagnosisCodeSystem = inForce === 'ICD10CM' ? 'ICD9CM' : 'ICD10CM';
  const system = conditions.some((c) => codingOf(c.resource, inForce))
    ? inForce
    : conditions.some((c) => codingOf(c.resource, other))
      ? other
      : undefined;
  const codes: string[] = [];
  const seen = new Set<string>();
  for (const condition of conditions) {
    const coding = system === undefined ? undefined : codingOf(condition.resource, system);
    if (coding === undefined) {
      const codings = condition.resource.code?.coding ?? [];
      if (codings.length === 0) tally.unmappedCode('Condition.code', 'text', undefined);
      for (const c of codings) tally.unmappedCode('Condition.code', c.system, c.code);
      continue;
    }
    const { text, same } = readCode(system as DiagnosisCodeSystem, coding.code as string);
    if (seen.has(same)) continue;
    seen.add(same);
    codes.push(text);
  }
  return { codes, system: codes.length > 0 ? system : undefined };
}

/** ICD-9-CM diabetes: 250 and its subcodes. */
const ICD9_DIABETES = /^250(\.|$)/;
/** ICD-10-CM diabetes categories E08–E13 (dotless, upper case). */
const ICD10_DIABETES = /^E(0[89]|1[0-3])/;

/** Whether a code is a diabetes code: ICD-9-CM 250.x, ICD-10-CM E08–E13. */
export function isDiabetesCode(system: DiagnosisCodeSystem, code: string): boolean {
  if (system === 'ICD9CM') return ICD9_DIABETES.test(icd9WithDot(code));
  return ICD10_DIABETES.test(normalizeIcd10(code) ?? '');
}

const ACTIVE = new Set(['active', 'recurrence', 'relapse']);

/**
 * Whether the patient has an active problem-list Condition with a diabetes code recorded by the
 * discharge (one without a recorded date counts: the sender states it is a current problem).
 */
export function hasDiabetesProblem(
  conditions: readonly Entry<Condition>[],
  dischargedAt: number,
  readInstant: (text: string | undefined) => number | undefined,
): boolean {
  for (const { resource } of conditions) {
    if (!hasCategory(resource, 'problem-list-item') || isRefuted(resource)) continue;
    const clinical = resource.clinicalStatus?.coding?.find(
      (c) => c.system === SYSTEM.conditionClinical,
    );
    if (clinical === undefined || !ACTIVE.has(clinical.code ?? '')) continue;
    const recorded = readInstant(resource.recordedDate);
    if (recorded !== undefined && recorded > dischargedAt) continue;
    for (const coding of resource.code?.coding ?? []) {
      if (coding.code === undefined) continue;
      if (coding.system === SYSTEM.icd9cm && isDiabetesCode('ICD9CM', coding.code)) return true;
      if (coding.system === SYSTEM.icd10cm && isDiabetesCode('ICD10CM', coding.code)) return true;
    }
  }
  return false;
}
