/** The systems the exported FHIR names (identifiers, code systems, extensions). */
export const SYSTEMS = {
  /** The UCI table's patient number, as a medical record number. */
  patientNbr: 'urn:readmit:uci:patient_nbr',
  /** The UCI table's encounter id, as a visit number. */
  encounterId: 'urn:readmit:uci:encounter_id',
  /** Visits the exporter makes up for the prior-visit counts: not rows of the table. */
  priorVisit: 'urn:readmit:uci:prior-visit',
  /** Medication orders, so each counts once in a patient's history however often it is sent. */
  order: 'urn:readmit:uci:order',
  /** The exporter's problem-list entry, so a transaction creates it once per patient. */
  problem: 'urn:readmit:uci:problem',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  nullFlavor: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  icd9cm: 'http://hl7.org/fhir/sid/icd-9-cm',
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  nucc: 'http://nucc.org/provider-taxonomy',
  /** CDC Race and Ethnicity codes, which the US Core extensions carry. */
  cdcRaceEthnicity: 'urn:oid:2.16.840.1.113883.6.238',
  usCoreRace: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
  usCoreEthnicity: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity',
} as const;

/** A code the exporter sends where the row's id means "Not Mapped": no table of the mapper holds it. */
export const LOCAL_UNMAPPED_SYSTEM = 'urn:readmit:uci:not-mapped';
