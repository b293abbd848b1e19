import { SYSTEM } from './code-systems';
import { translate, translateCodings, type ConceptMapName } from './concept-maps/index';
import { countUnlisted } from './demographics';
import type { FhirDateTime } from './fhir-dates';
import type { CodeableConcept, Encounter, PractitionerRole } from './fhir-r4';
import type { MappingTally } from './mapping-tally';
import type { VisitKind } from './patient-history';
import type { ResourceIndex } from './resource-index';

/**
 * Length of stay in calendar days between the admission and discharge dates as the sender wrote
 * them (hospitals count inpatient days by midnights), 1 for a same-day stay.
 */
export function calendarDaysOfStay(start: FhirDateTime, end: FhirDateTime): number {
  return Math.max(1, end.localDay - start.localDay);
}

/** The UCI ids of a table for no element sent (NULL) and for a code no group holds (Not Mapped). */
interface IdTable {
  readonly map: ConceptMapName;
  readonly element: string;
  readonly absent: string;
  readonly notMapped: string;
}

export const ADMISSION_TYPE: IdTable = {
  map: 'admission-type',
  element: 'Encounter.priority',
  absent: '6',
  notMapped: '8',
};
export const ADMISSION_SOURCE: IdTable = {
  map: 'admission-source',
  element: 'Encounter.hospitalization.admitSource',
  absent: '17',
  notMapped: '20',
};
export const DISCHARGE_DISPOSITION: IdTable = {
  map: 'discharge-disposition',
  element: 'Encounter.hospitalization.dischargeDisposition',
  absent: '18',
  notMapped: '25',
};

/**
 * A UCI id from a concept (docs/fhir-mapping.md, The stay): the preferred coding its table holds
 * (NUBC before HL7); NULL when nothing is sent; Not Mapped, counted, when no coding is held.
 */
export function idOf(
  table: IdTable,
  concept: CodeableConcept | undefined,
  tally: MappingTally,
): string {
  if (concept === undefined) return table.absent;
  const translation = translateCodings(table.map, concept.coding);
  if (translation.kind === 'mapped') return translation.target;
  if (translation.kind === 'unlisted') countUnlisted(tally, table.element, translation.codings);
  return table.notMapped;
}

/** The longest specialty the row rules take. */
const MAX_SPECIALTY = 64;

function specialtyOfConcepts(
  concepts: readonly CodeableConcept[] | undefined,
  element: string,
  tally: MappingTally,
): string | undefined {
  if (concepts === undefined) return undefined;
  for (const concept of concepts) {
    const translation = translateCodings('specialty', concept.coding);
    if (translation.kind === 'mapped') return translation.target;
  }
  // Not a NUCC code the table holds: the text as sent (the column is free text in the table too).
  for (const concept of concepts) {
    const text = (concept.text ?? concept.coding?.find((c) => c.display)?.display)?.trim();
    if (text !== undefined && text.length > 0 && text.length <= MAX_SPECIALTY) return text;
  }
  for (const concept of concepts) countUnlisted(tally, element, concept.coding ?? []);
  return undefined;
}

const isAdmitter = (type: readonly CodeableConcept[] | undefined) =>
  type?.some((concept) =>
    concept.coding?.some(
      (coding) => coding.code === 'ADM' && coding.system === SYSTEM.participationType,
    ),
  ) ?? false;

/**
 * The specialty of the admitting practitioner (Encounter.participant of type ADM → its
 * PractitionerRole, or a PractitionerRole of its Practitioner in the input), else
 * Encounter.serviceType; missing when neither says.
 */
export function specialtyOf(
  encounter: Encounter,
  index: ResourceIndex,
  tally: MappingTally,
): string | undefined {
  for (const participant of encounter.participant ?? []) {
    if (!isAdmitter(participant.type)) continue;
    const role =
      index.resolve<PractitionerRole>(participant.individual, 'PractitionerRole') ??
      index.roleOfPractitioner(participant.individual);
    const specialty = specialtyOfConcepts(
      role?.resource.specialty,
      'PractitionerRole.specialty',
      tally,
    );
    if (specialty !== undefined) return specialty;
  }
  return encounter.serviceType === undefined
    ? undefined
    : specialtyOfConcepts([encounter.serviceType], 'Encounter.serviceType', tally);
}

const VISIT_KINDS: ReadonlySet<string> = new Set<VisitKind>([
  'outpatient',
  'emergency',
  'inpatient',
]);

/** The kind of visit an Encounter.class names (ConceptMap encounter-class); undefined when the table holds no such class. */
export function visitKindOf(encounter: Encounter): VisitKind | undefined {
  const kind = translate('encounter-class', encounter.class?.system, encounter.class?.code);
  return kind !== undefined && VISIT_KINDS.has(kind) ? (kind as VisitKind) : undefined;
}
