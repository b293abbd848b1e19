import type {
  Condition,
  Coverage,
  Encounter,
  Identifier,
  MedicationRequest,
  Observation,
  Patient,
  PractitionerRole,
  Procedure,
  Reference,
  Resource,
} from './fhir-r4';
import {
  patientIdentifierOf,
  referencedEncounterIdentifier,
  referencedPatientIdentifier,
  encounterIdentifierOf,
  type FhirMappingOptions,
} from './identity';

/** One resource of the input and where it stood (issues point there). */
export interface FhirMappingEntry {
  readonly resource: Resource;
  readonly fullUrl?: string;
  /** `Bundle.entry[3].resource`, `line 12`: where issues about it point. */
  readonly location: string;
}

/** An entry of a known resource type. */
export interface Entry<T extends Resource> extends FhirMappingEntry {
  readonly resource: T;
}

/** The resources that name one encounter (their `encounter` reference). */
export interface EncounterResources {
  readonly observations: Entry<Observation>[];
  readonly procedures: Entry<Procedure>[];
  readonly medicationRequests: Entry<MedicationRequest>[];
  readonly conditions: Entry<Condition>[];
}

/** The resources of one patient, by their MRN. */
export interface PatientResources {
  /** Undefined when the input names the patient by identifier only. */
  patient: Entry<Patient> | undefined;
  readonly encounters: Entry<Encounter>[];
  readonly conditions: Entry<Condition>[];
  readonly medicationRequests: Entry<MedicationRequest>[];
  readonly coverages: Entry<Coverage>[];
}

/** `/_history/2` at the end of a versioned reference. */
const HISTORY_SUFFIX = /\/_history\/[^/]*$/;
/** The `Type/id` that ends an absolute reference (`https://ehr.example/fhir/Patient/123`). */
const TYPE_AND_ID = /([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/;

const identifierKey = (type: string, system: string | undefined, value: string) =>
  `${type}|${system ?? ''}|${value}`;

/**
 * The input indexed once (docs/fhir-mapping.md: references resolve within the input by fullUrl
 * and by Type/id, and by business identifier), then grouped by encounter and by patient. Every
 * later lookup is a map read: the mapper runs at thousands of encounters a second.
 */
export class ResourceIndex {
  readonly entries: readonly Entry<Resource>[];
  private readonly byReference = new Map<string, Entry<Resource>>();
  private readonly byIdentifier = new Map<string, Entry<Resource>>();
  readonly encounters: Entry<Encounter>[] = [];
  readonly patients: Entry<Patient>[] = [];
  private readonly ofEncounter = new Map<Entry<Resource>, EncounterResources>();
  private readonly ofPatient = new Map<string, PatientResources>();
  /** PractitionerRoles by the Practitioner they name (its entry, or the reference's text). */
  private readonly rolesOfPractitioner = new Map<
    Entry<Resource> | string,
    Entry<PractitionerRole>
  >();
  /** Each Patient's MRN, computed once (null: it has none). */
  private readonly mrnOfPatient = new Map<Entry<Resource>, string | null>();

  constructor(
    input: readonly FhirMappingEntry[],
    readonly options: FhirMappingOptions,
  ) {
    // The caller's entries themselves (no copies): the index only reads them.
    this.entries = input;
    for (const entry of this.entries) this.addKeys(entry);
    for (const entry of this.entries) this.group(entry);
  }

  private addKeys(entry: Entry<Resource>): void {
    const { resource, fullUrl } = entry;
    if (fullUrl !== undefined) this.byReference.set(fullUrl, entry);
    if (resource.id !== undefined)
      this.byReference.set(`${resource.resourceType}/${resource.id}`, entry);
    if (resource.resourceType === 'Patient' || resource.resourceType === 'Encounter')
      for (const identifier of resource.identifier ?? []) this.addIdentifier(entry, identifier);
  }

  private addIdentifier(entry: Entry<Resource>, identifier: Identifier): void {
    if (identifier.value === undefined) return;
    const type = entry.resource.resourceType;
    this.byIdentifier.set(identifierKey(type, identifier.system, identifier.value), entry);
    // A reference may name the value without its system.
    const anySystem = identifierKey(type, undefined, identifier.value);
    if (!this.byIdentifier.has(anySystem)) this.byIdentifier.set(anySystem, entry);
  }

  /** The entry a reference points to within the input, of the type given; undefined when none. */
  resolve<T extends Resource>(
    reference: Reference | undefined,
    type: T['resourceType'],
  ): Entry<T> | undefined {
    if (reference === undefined) return undefined;
    const found = this.find(reference, type);
    return found?.resource.resourceType === type ? (found as Entry<T>) : undefined;
  }

  private find(reference: Reference, type: string): Entry<Resource> | undefined {
    const text = reference.reference;
    if (text !== undefined) {
      const exact = this.byReference.get(text);
      if (exact !== undefined) return exact;
      const unversioned = text.replace(HISTORY_SUFFIX, '');
      const match = TYPE_AND_ID.exec(unversioned);
      if (match !== null) return this.byReference.get(match[1]);
      return undefined;
    }
    const identifier = reference.identifier;
    if (identifier?.value === undefined) return undefined;
    return (
      this.byIdentifier.get(identifierKey(type, identifier.system, identifier.value)) ??
      this.byIdentifier.get(identifierKey(type, undefined, identifier.value))
    );
  }

  /** The MRN of a Patient entry (canonical text); null when it has none. */
  patientKeyOfEntry(entry: Entry<Patient>): string | null {
    let key = this.mrnOfPatient.get(entry);
    if (key === undefined) {
      key = patientIdentifierOf(entry.resource.identifier, this.options);
      this.mrnOfPatient.set(entry, key);
    }
    return key;
  }

  /** The MRN of the patient a reference names: its Patient in the input, else its identifier. */
  patientKeyOf(reference: Reference | undefined): string | null {
    const patient = this.resolve<Patient>(reference, 'Patient');
    if (patient !== undefined) return this.patientKeyOfEntry(patient);
    return referencedPatientIdentifier(reference, this.options);
  }

  /** The encounter a reference names, in the input (by reference or visit number). */
  encounterOf(reference: Reference | undefined): Entry<Encounter> | undefined {
    const found = this.resolve<Encounter>(reference, 'Encounter');
    if (found !== undefined || reference?.identifier === undefined) return found;
    const number = referencedEncounterIdentifier(reference, this.options);
    return number === null ? undefined : this.encounterByNumber(number);
  }

  private encounterByNumber(number: string): Entry<Encounter> | undefined {
    for (const encounter of this.encounters)
      if (encounterIdentifierOf(encounter.resource.identifier, this.options) === number)
        return encounter;
    return undefined;
  }

  private group(entry: Entry<Resource>): void {
    const resource = entry.resource;
    switch (resource.resourceType) {
      case 'Patient': {
        this.patients.push(entry as Entry<Patient>);
        const key = this.patientKeyOfEntry(entry as Entry<Patient>);
        if (key !== null) this.patientResources(key).patient ??= entry as Entry<Patient>;
        return;
      }
      case 'Encounter':
        this.encounters.push(entry as Entry<Encounter>);
        this.addToPatient(resource.subject, (p) => p.encounters.push(entry as Entry<Encounter>));
        return;
      case 'Observation':
        this.addToEncounter(resource.encounter, (e) =>
          e.observations.push(entry as Entry<Observation>),
        );
        return;
      case 'Procedure':
        this.addToEncounter(resource.encounter, (e) =>
          e.procedures.push(entry as Entry<Procedure>),
        );
        return;
      case 'Condition':
        this.addToEncounter(resource.encounter, (e) =>
          e.conditions.push(entry as Entry<Condition>),
        );
        this.addToPatient(resource.subject, (p) => p.conditions.push(entry as Entry<Condition>));
        return;
      case 'MedicationRequest':
        this.addToEncounter(resource.encounter, (e) =>
          e.medicationRequests.push(entry as Entry<MedicationRequest>),
        );
        this.addToPatient(resource.subject, (p) =>
          p.medicationRequests.push(entry as Entry<MedicationRequest>),
        );
        return;
      case 'PractitionerRole': {
        const key = this.practitionerKey(resource.practitioner);
        if (key !== undefined && !this.rolesOfPractitioner.has(key))
          this.rolesOfPractitioner.set(key, entry as Entry<PractitionerRole>);
        return;
      }
      case 'Coverage':
        this.addToPatient(resource.beneficiary, (p) => p.coverages.push(entry as Entry<Coverage>));
        return;
      default:
        return;
    }
  }

  private addToEncounter(
    reference: Reference | undefined,
    add: (resources: EncounterResources) => void,
  ): void {
    if (reference === undefined) return;
    // Grouping runs after every key of the input is known, so a reference to an encounter sent
    // later in the input (by fullUrl, Type/id or visit number) resolves too.
    const encounter = this.find(reference, 'Encounter');
    if (encounter === undefined || encounter.resource.resourceType !== 'Encounter') return;
    let resources = this.ofEncounter.get(encounter);
    if (resources === undefined) {
      resources = noEncounterResources();
      this.ofEncounter.set(encounter, resources);
    }
    add(resources);
  }

  private addToPatient(
    reference: Reference | undefined,
    add: (resources: PatientResources) => void,
  ): void {
    const key = this.patientKeyOf(reference);
    if (key !== null) add(this.patientResources(key));
  }

  private patientResources(key: string): PatientResources {
    let resources = this.ofPatient.get(key);
    if (resources === undefined) {
      resources = {
        patient: undefined,
        encounters: [],
        conditions: [],
        medicationRequests: [],
        coverages: [],
      };
      this.ofPatient.set(key, resources);
    }
    return resources;
  }

  private practitionerKey(reference: Reference | undefined): Entry<Resource> | string | undefined {
    if (reference === undefined) return undefined;
    return this.resolve(reference, 'Practitioner') ?? reference.reference;
  }

  /** The PractitionerRole in the input of the Practitioner a reference names. */
  roleOfPractitioner(reference: Reference | undefined): Entry<PractitionerRole> | undefined {
    const key = this.practitionerKey(reference);
    return key === undefined ? undefined : this.rolesOfPractitioner.get(key);
  }

  /** The resources that name this encounter. */
  resourcesOfEncounter(encounter: Entry<Encounter>): EncounterResources {
    return this.ofEncounter.get(encounter) ?? noEncounterResources();
  }

  /** The resources of a patient, by MRN. */
  resourcesOfPatient(key: string): PatientResources | undefined {
    return this.ofPatient.get(key);
  }

  /** Every patient the input names (their MRNs), in input order. */
  patientKeys(): string[] {
    return [...this.ofPatient.keys()];
  }
}

const noEncounterResources = (): EncounterResources => ({
  observations: [],
  procedures: [],
  medicationRequests: [],
  conditions: [],
});
