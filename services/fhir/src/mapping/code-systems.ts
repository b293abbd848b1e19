/** The code systems and extensions the mapping reads (docs/fhir-mapping.md), by their canonical URIs. */
export const SYSTEM = {
  /** Readmit's own code systems: the UCI table's values, and the kinds the mapper sorts codes into. */
  readmit: (name: string): string => `https://readmit.health/fhir/CodeSystem/${name}`,
  nubcPriority: 'https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit',
  nubcPointOfOrigin: 'https://www.nubc.org/CodeSystem/PointOfOrigin',
  nubcDischargeStatus: 'https://www.nubc.org/CodeSystem/PatDischargeStatus',
  actPriority: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority',
  admitSource: 'http://terminology.hl7.org/CodeSystem/admit-source',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
  nullFlavor: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  diagnosisRole: 'http://terminology.hl7.org/CodeSystem/diagnosis-role',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  cdcRace: 'urn:oid:2.16.840.1.113883.6.238',
  administrativeGender: 'http://hl7.org/fhir/administrative-gender',
  sourceOfPayment: 'urn:oid:2.16.840.1.113883.3.221.5',
  nucc: 'http://nucc.org/provider-taxonomy',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  icd9cm: 'http://hl7.org/fhir/sid/icd-9-cm',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
} as const;

/** The US Core extensions of Patient that carry race and ethnicity. */
export const US_CORE_RACE = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race';
export const US_CORE_ETHNICITY =
  'http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity';

/**
 * The system of generic ingredient names (lower case; combinations as their sorted names joined
 * by ` / `): the fallback group of the medication ConceptMap. Exporters send such a name as the
 * concept's text, not as a coding.
 */
export const INGREDIENT_NAME_SYSTEM = SYSTEM.readmit('ingredient-name');
