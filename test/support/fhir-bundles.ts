import type { Bundle, BundleEntry, Resource } from '@readmit/fhir';

/** A small, valid FHIR stay of a diabetic patient, as a hospital's integration engine sends it. */
export interface StayOptions {
  readonly mrn: string;
  readonly visitNumber: string;
  /** ISO date-times with offsets. */
  readonly start?: string;
  readonly end?: string;
  readonly status?: string;
  /** ICD-10-CM codes, ranked. */
  readonly diagnoses?: readonly string[];
  readonly a1cPercent?: number;
}

const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';

/** The resources of one stay: Patient, Encounter, Conditions, an A1c, a metformin order, a procedure. */
export function stayResources(
  options: StayOptions,
): Array<{ fullUrl: string; resource: Resource }> {
  const patientUrl = `urn:uuid:patient-${options.mrn}`;
  const encounterUrl = `urn:uuid:encounter-${options.visitNumber}`;
  const diagnoses = options.diagnoses ?? ['E11.9', 'I10'];
  const start = options.start ?? '2021-03-02T14:05:00+01:00';
  const end = options.end ?? '2021-03-06T10:00:00+01:00';
  const conditions = diagnoses.map((code, index) => ({
    fullUrl: `urn:uuid:condition-${options.visitNumber}-${index}`,
    resource: {
      resourceType: 'Condition',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/condition-category',
              code: 'encounter-diagnosis',
            },
          ],
        },
      ],
      code: { coding: [{ system: ICD10, code }] },
      subject: { reference: patientUrl },
      encounter: { reference: encounterUrl },
    } as Resource,
  }));
  return [
    {
      fullUrl: patientUrl,
      resource: {
        resourceType: 'Patient',
        identifier: [
          {
            type: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }],
            },
            system: 'urn:example:hospital:mrn',
            value: options.mrn,
          },
        ],
        gender: 'female',
        birthDate: '1950-05-17',
      },
    },
    {
      fullUrl: encounterUrl,
      resource: {
        resourceType: 'Encounter',
        identifier: [
          {
            type: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }],
            },
            system: 'urn:example:hospital:visit',
            value: options.visitNumber,
          },
        ],
        status: options.status ?? 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
        priority: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority', code: 'EM' }],
        },
        subject: { reference: patientUrl },
        period: { start, end },
        hospitalization: {
          admitSource: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/admit-source', code: 'emd' }],
          },
          dischargeDisposition: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
                code: 'home',
              },
            ],
          },
        },
        diagnosis: conditions.map((condition, index) => ({
          condition: { reference: condition.fullUrl },
          rank: index + 1,
        })),
      } as Resource,
    },
    ...conditions,
    {
      fullUrl: `urn:uuid:a1c-${options.visitNumber}`,
      resource: labResult('4548-4', options.a1cPercent ?? 8.4, '%', patientUrl, encounterUrl),
    },
    {
      fullUrl: `urn:uuid:metformin-${options.visitNumber}`,
      resource: {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6809' }],
          text: 'metformin',
        },
        subject: { reference: patientUrl },
        encounter: { reference: encounterUrl },
        authoredOn: start,
      } as Resource,
    },
    {
      fullUrl: `urn:uuid:procedure-${options.visitNumber}`,
      resource: {
        resourceType: 'Procedure',
        status: 'completed',
        code: { text: 'Insertion of central venous catheter' },
        subject: { reference: patientUrl },
        encounter: { reference: encounterUrl },
      } as Resource,
    },
  ];
}

/** A final laboratory result of the stay (LOINC code, UCUM unit). */
export function labResult(
  loinc: string,
  value: number,
  unit: string,
  patientUrl: string,
  encounterUrl: string,
): Resource {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'laboratory',
          },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
    subject: { reference: patientUrl },
    encounter: { reference: encounterUrl },
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  } as Resource;
}

/** A bundle of these stays; transactions and batches get POST requests for every entry. */
export function stayBundle(
  type: 'transaction' | 'batch' | 'collection',
  stays: readonly StayOptions[],
): Bundle {
  // A patient with several stays is one entry: fullUrls are unique in a bundle.
  const resources = [
    ...new Map(
      stays.flatMap(stayResources).map((entry) => [entry.fullUrl, entry] as const),
    ).values(),
  ];
  const entry: BundleEntry[] = resources.map(({ fullUrl, resource }) => ({
    fullUrl,
    resource,
    ...(type === 'collection' ? {} : { request: { method: 'POST', url: resource.resourceType } }),
  }));
  return { resourceType: 'Bundle', type, entry } as Bundle;
}

/**
 * These stays as a Bulk Data export: one NDJSON file per resource type (`Patient.ndjson`, …),
 * each resource with an id and referenced as `Type/id`, as `$export` writes them.
 */
export function stayNdjsonFiles(stays: readonly StayOptions[]): Record<string, string> {
  const resources = [
    ...new Map(
      stays.flatMap(stayResources).map((entry) => [entry.fullUrl, entry] as const),
    ).values(),
  ];
  const idOf = new Map(
    resources.map(({ fullUrl, resource }, index) => [
      fullUrl,
      `${resource.resourceType}/r${index + 1}`,
    ]),
  );
  const files: Record<string, string[]> = {};
  for (const { fullUrl, resource } of resources) {
    const id = (idOf.get(fullUrl) as string).split('/')[1];
    const text = JSON.stringify({ ...resource, id }).replace(
      /"reference":"(urn:uuid:[^"]+)"/g,
      (whole, url: string) => `"reference":"${idOf.get(url) ?? url}"`,
    );
    (files[`${resource.resourceType}.ndjson`] ??= []).push(text);
  }
  return Object.fromEntries(
    Object.entries(files).map(([name, lines]) => [name, `${lines.join('\n')}\n`]),
  );
}
