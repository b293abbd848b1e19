import type { Pseudonymize } from '@readmit/contracts';
import type { CsvColumn } from '@readmit/ml';
import type { FhirIssue } from '../validation/fhir-issue';
import { INGREDIENT_NAME_SYSTEM } from './code-systems';
import { dailyDoseOf } from './daily-dose';
import { ageBand, genderOf, payerCodeOf, raceOf } from './demographics';
import { diagnosesOf, hasDiabetesProblem, isDiabetesCode, type StayDiagnoses } from './diagnoses';
import { calendarDateOf, isoUtc, readDateTime, type FhirDateTime } from './fhir-dates';
import type { Encounter, MedicationRequest } from './fhir-r4';
import { encounterIdentifierOf, type FhirMappingOptions } from './identity';
import { labCountOf, procedureCountOf, stayLabsOf } from './labs';
import { orderKeyText, PseudonymCache, referencedVisitKeyText, visitKeyText } from './history-keys';
import { orderedMedicationOf, type OrderedMedication } from './medication-ingredients';
import { isOrder, stayMedicationsOf, type StayMedications, type StayOrder } from './medications';
import { MappingTally, type ExclusionReason } from './mapping-tally';
import type {
  HistoryMedicationOrder,
  HistoryVisit,
  LearnedPatientHistory,
  PatientHistory,
} from './patient-history';
import { mergedVisits, priorVisitsOf } from './prior-visits';
import { ResourceIndex, type Entry, type FhirMappingEntry } from './resource-index';
import {
  ADMISSION_SOURCE,
  ADMISSION_TYPE,
  calendarDaysOfStay,
  DISCHARGE_DISPOSITION,
  idOf,
  specialtyOf,
  visitKindOf,
} from './stay';

export type { FhirMappingOptions } from './identity';
export type { FhirMappingEntry } from './resource-index';

/** A column of a row: diabetic_data.csv's and the optional diag_code_system, admitted_at, discharged_at. */
export type RowColumn = CsvColumn;

/** A row in the CSV path's columns, identifiers as clear text (the caller pseudonymises them). */
export type EncounterRowCells = Record<RowColumn, string | undefined>;

export interface FhirMappingContext {
  readonly pseudonymize: Pseudonymize;
  /** The stored history of a patient, by pseudonym (the caller loaded it for patientKeysOf's patients). */
  readonly history: (patientPseudonym: string) => PatientHistory;
  readonly options: FhirMappingOptions;
}

export interface FhirMappingResult {
  /** One row per encounter of the cohort, at the location of its Encounter. */
  readonly rows: ReadonlyArray<{ readonly location: string; readonly row: EncounterRowCells }>;
  /** What the input taught about each patient, for the caller to add to the stored history. */
  readonly historyToKeep: readonly LearnedPatientHistory[];
  readonly excluded: Readonly<Partial<Record<ExclusionReason, number>>>;
  readonly unmapped: Readonly<Record<string, number>>;
  readonly issues: readonly FhirIssue[];
}

/** The index of an input, kept while the caller holds the input (patientKeysOf, then mapFhirEncounters). */
const indexes = new WeakMap<readonly FhirMappingEntry[], ResourceIndex>();

function indexOf(
  resources: readonly FhirMappingEntry[],
  options: FhirMappingOptions,
): ResourceIndex {
  const known = indexes.get(resources);
  if (
    known !== undefined &&
    known.options.patientIdentifierSystem === options.patientIdentifierSystem &&
    known.options.encounterIdentifierSystem === options.encounterIdentifierSystem
  )
    return known;
  const index = new ResourceIndex(resources, options);
  indexes.set(resources, index);
  return index;
}

/**
 * The patients an input names (their MRNs as canonical text), so the caller can load each one's
 * history (by pseudonym) before mapping.
 */
export function patientKeysOf(
  resources: readonly FhirMappingEntry[],
  options: FhirMappingOptions,
): string[] {
  return indexOf(resources, options).patientKeys();
}

/** Statuses of encounters that did not take place: no visit. */
const NOT_A_VISIT = new Set<Encounter['status']>(['cancelled', 'entered-in-error', 'planned']);

/** One patient's visits and orders: from the input, and merged with the stored history. */
interface PatientState {
  readonly pseudonym: string;
  readonly learned: LearnedPatientHistory;
  readonly visits: readonly HistoryVisit[];
  readonly orders: readonly HistoryMedicationOrder[];
}

/**
 * Maps FHIR resources to encounter rows (docs/fhir-mapping.md, version 1.0.0): one row per
 * finished inpatient encounter of the cohort, with what the input taught about each patient's
 * history, the encounters left out by reason, the codes no table holds, and the problems that keep
 * an encounter from becoming a row (each with its location). Pure; validation is separate
 * (validateFhirResource), and resources are expected valid.
 */
export function mapFhirEncounters(
  resources: readonly FhirMappingEntry[],
  context: FhirMappingContext,
): FhirMappingResult {
  return new EncounterMapper(indexOf(resources, context.options), context).run();
}

class EncounterMapper {
  private readonly tally = new MappingTally();
  private readonly pseudonyms: PseudonymCache;
  private readonly patients = new Map<string, PatientState>();
  /** What each request orders, read once (a request is read for its stay and for the history). */
  private readonly ordered = new Map<Entry<MedicationRequest>, OrderedMedication>();

  constructor(
    private readonly index: ResourceIndex,
    private readonly context: FhirMappingContext,
  ) {
    this.pseudonyms = new PseudonymCache(context.pseudonymize);
  }

  run(): FhirMappingResult {
    for (const patient of this.index.patients)
      if (this.index.patientKeyOfEntry(patient) === null)
        this.tally.error(
          'required',
          'Patient has no medical record number (an identifier of type MR, or of the configured system)',
          `${patient.location}.identifier`,
        );
    for (const key of this.index.patientKeys()) this.patientState(key);
    const rows: Array<{ location: string; row: EncounterRowCells }> = [];
    for (const encounter of this.index.encounters) {
      const row = this.rowOf(encounter);
      if (row !== undefined) rows.push({ location: encounter.location, row });
    }
    return {
      rows,
      historyToKeep: [...this.patients.values()].map((patient) => patient.learned),
      excluded: this.tally.excluded,
      unmapped: this.tally.unmapped,
      issues: this.tally.issues,
    };
  }

  private orderedOf(request: Entry<MedicationRequest>): OrderedMedication {
    let ordered = this.ordered.get(request);
    if (ordered === undefined) {
      ordered = orderedMedicationOf(request.resource, this.index);
      this.ordered.set(request, ordered);
    }
    return ordered;
  }

  private patientState(key: string): PatientState {
    const known = this.patients.get(key);
    if (known !== undefined) return known;
    const pseudonym = this.pseudonyms.patient(key);
    const resources = this.index.resourcesOfPatient(key);
    const visits: HistoryVisit[] = [];
    for (const encounter of resources?.encounters ?? []) {
      const visit = this.visitOf(encounter);
      if (visit !== undefined) visits.push(visit);
    }
    const orders: HistoryMedicationOrder[] = [];
    for (const request of resources?.medicationRequests ?? [])
      orders.push(...this.ordersOf(request));
    const stored = this.context.history(pseudonym);
    const orderKeys = new Set(orders.map((order) => order.orderKey));
    const state: PatientState = {
      pseudonym,
      learned: { patient: pseudonym, visits, medicationOrders: orders },
      visits: mergedVisits(visits, stored.visits),
      orders: [...orders, ...stored.medicationOrders.filter((o) => !orderKeys.has(o.orderKey))],
    };
    this.patients.set(key, state);
    return state;
  }

  /** An encounter as a visit of its patient's history; undefined when it took place at no known time. */
  private visitOf(encounter: Entry<Encounter>): HistoryVisit | undefined {
    const resource = encounter.resource;
    const kind = visitKindOf(resource);
    const start = readDateTime(resource.period?.start);
    const keyText = visitKeyText(encounter, this.index);
    if (kind === undefined || start === undefined || keyText === undefined) return undefined;
    if (NOT_A_VISIT.has(resource.status)) return undefined;
    const partOf = referencedVisitKeyText(resource.partOf, this.index);
    return {
      visitKey: this.pseudonyms.encounter(keyText),
      kind,
      startedAt: start.instant,
      ...(partOf === undefined ? {} : { partOf: this.pseudonyms.encounter(partOf) }),
    };
  }

  /** A request as the diabetes orders the history keeps (one per column it feeds). */
  private ordersOf(request: Entry<MedicationRequest>): HistoryMedicationOrder[] {
    const authored = readDateTime(request.resource.authoredOn);
    if (authored === undefined) return [];
    const { columns } = this.orderedOf(request);
    const dose = columns.length > 0 ? dailyDoseOf(request.resource) : undefined;
    const orders: HistoryMedicationOrder[] = [];
    for (const column of columns) {
      const keyText = orderKeyText(request, column, columns.length);
      if (keyText === undefined) continue;
      orders.push({
        orderKey: this.pseudonyms.encounter(keyText),
        column,
        dailyDose: dose?.amount ?? null,
        unit: dose?.unit ?? null,
        authoredAt: authored.instant,
        status: request.resource.status,
      });
    }
    return orders;
  }

  private exclude(reason: ExclusionReason): undefined {
    this.tally.exclude(reason);
    return undefined;
  }

  /** The row of an encounter of the cohort; undefined (excluded or with an issue) otherwise. */
  private rowOf(encounter: Entry<Encounter>): EncounterRowCells | undefined {
    const resource = encounter.resource;
    const kind = visitKindOf(resource);
    if (kind === undefined)
      this.tally.unmappedCode('Encounter.class', resource.class?.system, resource.class?.code);
    if (kind !== 'inpatient') return this.exclude('not-inpatient');
    if (resource.status !== 'finished') return this.exclude('not-finished');
    const start = readDateTime(resource.period?.start);
    const end = readDateTime(resource.period?.end);
    if (start === undefined || end === undefined) return this.exclude('no-period');
    if (end.instant < start.instant) {
      this.tally.error(
        'invariant',
        'period.end is before period.start',
        `${encounter.location}.period`,
      );
      return undefined;
    }
    const patientKey = this.index.patientKeyOf(resource.subject);
    const ofEncounter = this.index.resourcesOfEncounter(encounter);
    const diagnoses = diagnosesOf(encounter, ofEncounter, this.index, end.localDay, this.tally);
    if (diagnoses.system === undefined) return this.exclude('not-coded');
    if (!this.isDiabetic(diagnoses, patientKey, end.instant)) return this.exclude('not-diabetic');
    const days = calendarDaysOfStay(start, end);
    if (days > 14) return this.exclude('stay-out-of-range');
    return this.cohortRow(encounter, patientKey, diagnoses, start, end, days);
  }

  private isDiabetic(
    diagnoses: StayDiagnoses,
    patientKey: string | null,
    dischargedAt: number,
  ): boolean {
    const system = diagnoses.system;
    if (system !== undefined && diagnoses.codes.some((code) => isDiabetesCode(system, code)))
      return true;
    const conditions =
      patientKey === null ? [] : this.index.resourcesOfPatient(patientKey)?.conditions;
    return hasDiabetesProblem(
      conditions ?? [],
      dischargedAt,
      (text) => readDateTime(text)?.instant,
    );
  }

  private cohortRow(
    encounter: Entry<Encounter>,
    patientKey: string | null,
    diagnoses: StayDiagnoses,
    start: FhirDateTime,
    end: FhirDateTime,
    days: number,
  ): EncounterRowCells | undefined {
    const resource = encounter.resource;
    const at = encounter.location;
    const visitNumber = encounterIdentifierOf(resource.identifier, this.index.options);
    if (visitNumber === null) {
      this.tally.error(
        'required',
        'Encounter has no visit number (an identifier of type VN, or of the configured system)',
        `${at}.identifier`,
      );
      return undefined;
    }
    if (patientKey === null) {
      this.tally.error(
        'not-found',
        'subject names no patient with a medical record number',
        `${at}.subject`,
      );
      return undefined;
    }
    const patientResources = this.index.resourcesOfPatient(patientKey);
    const patient = patientResources?.patient;
    if (patient === undefined) {
      this.tally.error('not-found', "the encounter's Patient is not in the input", `${at}.subject`);
      return undefined;
    }
    const age = ageBand(patient.resource.birthDate, calendarDateOf(start.localDay));
    if (age === undefined) {
      this.tally.error(
        'required',
        'Patient.birthDate is missing, malformed or after the admission: the age band needs it',
        `${patient.location}.birthDate`,
      );
      return undefined;
    }
    const state = this.patientState(patientKey);
    const stayKey = this.pseudonyms.encounter(visitNumber);
    const ofEncounter = this.index.resourcesOfEncounter(encounter);
    const labs = stayLabsOf(ofEncounter.observations, this.tally);
    const medications = this.stayMedications(ofEncounter.medicationRequests, state, start.instant);
    const prior = priorVisitsOf(state.visits, stayKey, start.instant);
    const hospitalization = resource.hospitalization;
    const [diag1, diag2, diag3] = diagnoses.codes;
    const med = medications.columns;
    return {
      encounter_id: visitNumber,
      patient_nbr: patientKey,
      race: raceOf(patient, this.tally),
      gender: genderOf(patient.resource),
      age,
      weight: labs.weight,
      admission_type_id: idOf(ADMISSION_TYPE, resource.priority, this.tally),
      discharge_disposition_id: idOf(
        DISCHARGE_DISPOSITION,
        hospitalization?.dischargeDisposition,
        this.tally,
      ),
      admission_source_id: idOf(ADMISSION_SOURCE, hospitalization?.admitSource, this.tally),
      time_in_hospital: String(days),
      payer_code: payerCodeOf(patientResources?.coverages ?? [], start.instant, this.tally),
      medical_specialty: specialtyOf(resource, this.index, this.tally),
      num_lab_procedures: String(labCountOf(ofEncounter.observations)),
      num_procedures: String(procedureCountOf(ofEncounter.procedures)),
      num_medications: String(medications.numMedications),
      number_outpatient: String(prior.outpatient),
      number_emergency: String(prior.emergency),
      number_inpatient: String(prior.inpatient),
      diag_1: diag1,
      diag_2: diag2,
      diag_3: diag3,
      number_diagnoses: String(diagnoses.codes.length),
      max_glu_serum: labs.maxGlucoseSerum,
      A1Cresult: labs.a1cResult,
      // Written out, not spread: a spread of 23 computed columns made each row a dictionary-mode
      // object, slow to build and to read (bench/fhir-ingest.bench.ts).
      metformin: med.metformin,
      repaglinide: med.repaglinide,
      nateglinide: med.nateglinide,
      chlorpropamide: med.chlorpropamide,
      glimepiride: med.glimepiride,
      acetohexamide: med.acetohexamide,
      glipizide: med.glipizide,
      glyburide: med.glyburide,
      tolbutamide: med.tolbutamide,
      pioglitazone: med.pioglitazone,
      rosiglitazone: med.rosiglitazone,
      acarbose: med.acarbose,
      miglitol: med.miglitol,
      troglitazone: med.troglitazone,
      tolazamide: med.tolazamide,
      examide: med.examide,
      citoglipton: med.citoglipton,
      insulin: med.insulin,
      'glyburide-metformin': med['glyburide-metformin'],
      'glipizide-metformin': med['glipizide-metformin'],
      'glimepiride-pioglitazone': med['glimepiride-pioglitazone'],
      'metformin-rosiglitazone': med['metformin-rosiglitazone'],
      'metformin-pioglitazone': med['metformin-pioglitazone'],
      change: medications.change,
      diabetesMed: medications.diabetesMed,
      readmitted: undefined,
      diag_code_system: diagnoses.system,
      admitted_at: isoUtc(start.instant),
      discharged_at: isoUtc(end.instant),
    };
  }

  private stayMedications(
    requests: readonly Entry<MedicationRequest>[],
    patient: PatientState,
    admittedAt: number,
  ): StayMedications {
    const stay: StayOrder[] = [];
    const stayKeys = new Set<string>();
    for (const request of requests) {
      if (!isOrder(request.resource)) continue;
      const ordered = this.orderedOf(request);
      for (const name of ordered.withoutColumn)
        this.tally.unmappedCode(
          'MedicationRequest.medication:no-column',
          INGREDIENT_NAME_SYSTEM,
          name,
        );
      stay.push({
        request: request.resource,
        ordered,
        authoredAt: readDateTime(request.resource.authoredOn)?.instant ?? -Infinity,
      });
      for (const column of ordered.columns) {
        const keyText = orderKeyText(request, column, ordered.columns.length);
        if (keyText !== undefined) stayKeys.add(this.pseudonyms.encounter(keyText));
      }
    }
    const previous = patient.orders.filter((order) => !stayKeys.has(order.orderKey));
    return stayMedicationsOf(stay, previous, admittedAt);
  }
}
