import { SYSTEM } from '../mapping/code-systems';
import { loadR4Schema } from './r4-json-schema';
import { fhirPath } from './schema-issues';
import { isCalendarDate, periodInOrder } from './schema-keywords';
import { structuralIssues } from './structural-issues';

const AT = 'Bundle.entry[3].resource';
const patient = { resourceType: 'Patient', id: 'p1', gender: 'female', birthDate: '1950-03-15' };
const encounter = (fields: Record<string, unknown> = {}) => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: SYSTEM.actCode, code: 'IMP' },
  subject: { reference: 'Patient/p1' },
  period: { start: '2021-03-02T14:05:00+01:00', end: '2021-03-06T10:00:00+01:00' },
  ...fields,
});

/** Each issue as [code, expression, diagnostics]. */
const issuesOf = (resource: unknown) =>
  structuralIssues(resource, AT).map((issue) => [
    issue.code,
    issue.expression[0],
    issue.diagnostics,
  ]);

describe('structuralIssues (FHIR R4 JSON Schema)', () => {
  it('passes valid resources of the types ingest reads', () => {
    const valid: unknown[] = [
      patient,
      encounter(),
      {
        resourceType: 'Condition',
        subject: { reference: 'Patient/p1' },
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'E11.65' }] },
      },
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '4548-4' }] },
        valueQuantity: { value: 7.1, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
        effectiveDateTime: '2021-03-03',
      },
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
        medicationCodeableConcept: { text: 'metformin' },
        dosageInstruction: [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } } }],
      },
      { resourceType: 'Coverage', status: 'active', beneficiary: {}, payor: [{ display: 'x' }] },
      {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ fullUrl: 'urn:uuid:1', resource: patient }],
      },
      // A required primitive may be sent as its extensions only.
      { ...encounter(), status: undefined, _status: { extension: [{ url: 'x', valueCode: 'u' }] } },
    ];
    const cleaned = valid.map((resource) => JSON.parse(JSON.stringify(resource)) as unknown);
    // beneficiary {} is empty: only that is refused (elements may not be `{}`).
    expect(cleaned.map(issuesOf)).toEqual([
      [],
      [],
      [],
      [],
      [],
      [['structure', `${AT}.beneficiary`, 'must not be empty']],
      [],
      [],
    ]);
  });

  it('refuses an unknown property, naming it only when it looks like an element name', () => {
    expect(issuesOf({ ...patient, colour: 'blue' })).toEqual([
      ['structure', `${AT}.colour`, 'is no element of its type'],
    ]);
    const issues = issuesOf({ ...patient, 'MRN-0045123': 'x' });
    expect(issues).toEqual([['structure', AT, 'holds a property that is no element of its type']]);
  });

  it('refuses a wrong JSON type, deep in the resource', () => {
    expect(issuesOf(encounter({ period: { start: 20210302 } }))).toEqual([
      ['structure', `${AT}.period.start`, 'must be of JSON type string'],
    ]);
    expect(issuesOf({ ...patient, multipleBirthInteger: 1.5 })).toEqual([
      ['structure', `${AT}.multipleBirthInteger`, 'must be of JSON type integer'],
    ]);
    expect(issuesOf(encounter({ period: 'soon' }))).toEqual([
      ['structure', `${AT}.period`, 'must be of JSON type object'],
    ]);
  });

  it('refuses a date or dateTime off the pattern, and a day the calendar lacks', () => {
    expect(issuesOf(encounter({ period: { start: '2021-03-02T14:05' } }))).toEqual([
      ['structure', `${AT}.period.start`, 'is not a valid FHIR dateTime'],
    ]);
    expect(issuesOf({ ...patient, birthDate: '1950-3-15' })).toEqual([
      ['structure', `${AT}.birthDate`, 'is not a valid FHIR date'],
    ]);
    expect(issuesOf({ ...patient, birthDate: '2021-02-29' })).toEqual([
      ['structure', `${AT}.birthDate`, 'is not a day of the calendar'],
    ]);
    expect(issuesOf(encounter({ period: { start: '2021-04-31T10:00:00Z' } }))).toEqual([
      ['structure', `${AT}.period.start`, 'is not a day of the calendar'],
    ]);
    expect(issuesOf({ ...patient, birthDate: '2020-02-29' })).toEqual([]);
  });

  it('refuses a code outside a schema enum, listing the codes (from the schema, not the value)', () => {
    const [[code, at, text]] = issuesOf({ ...patient, gender: 'MRN-0045123' });
    expect([code, at]).toEqual(['code-invalid', `${AT}.gender`]);
    expect(text).toBe('must be one of male, female, other, unknown');
  });

  it('refuses a missing required element, two types of one choice, and an empty list', () => {
    expect(issuesOf(encounter({ status: undefined, class: undefined }))).toEqual([
      ['required', `${AT}.class`, 'is required and missing'],
      ['required', `${AT}.status`, 'is required and missing'],
    ]);
    expect(
      issuesOf({
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/p1' },
      }),
    ).toEqual([['required', `${AT}.medication`, 'is required and missing']]);
    expect(
      issuesOf({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'glucose' },
        valueString: 'high',
        valueBoolean: true,
      }),
    ).toEqual([['structure', `${AT}.value`, 'may hold only one type of value[x]']]);
    expect(issuesOf({ ...patient, name: [] })).toEqual([
      ['structure', `${AT}.name`, 'must not be an empty list'],
    ]);
  });

  it('refuses a period that ends before it starts (per-1)', () => {
    expect(
      issuesOf(
        encounter({ period: { start: '2021-03-06T10:00:00+01:00', end: '2021-03-06T08:59:00Z' } }),
      ),
    ).toEqual([['invariant', `${AT}.period`, 'per-1: start must not be after end']]);
  });

  it('validates contained resources and bundle entries as their own types', () => {
    expect(
      issuesOf({
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: patient }, { resource: { ...patient, gender: 'f' } }],
      }),
    ).toEqual([
      [
        'code-invalid',
        `${AT}.entry[1].resource.gender`,
        'must be one of male, female, other, unknown',
      ],
    ]);
    expect(issuesOf({ ...patient, contained: [{ resourceType: 'Nope', id: 'x' }] })).toEqual([
      ['structure', `${AT}.contained[0]`, 'is no known FHIR R4 resource type'],
    ]);
  });

  it('refuses what is no resource of a known type', () => {
    expect(issuesOf('Patient')).toEqual([
      ['structure', AT, 'is not a FHIR resource (a JSON object)'],
    ]);
    expect(issuesOf({ id: '1' })).toEqual([['required', AT, 'has no resourceType']]);
    expect(issuesOf({ resourceType: 'Nope' })).toEqual([
      ['structure', AT, 'is no known FHIR R4 resource type'],
    ]);
  });

  it('never echoes a value', () => {
    const secret = 'MRN-0045123';
    const issues = structuralIssues(
      {
        resourceType: 'Patient',
        identifier: [{ value: 45123 }],
        birthDate: secret,
        gender: secret,
        [secret]: secret,
        name: [{ family: { secret } }],
      },
      AT,
    );
    expect(issues.length).toBeGreaterThanOrEqual(5);
    for (const issue of issues) {
      expect(JSON.stringify(issue)).not.toContain('45123');
      expect(JSON.stringify(issue)).not.toContain('MRN');
    }
  });
});

describe('the R4 schema and its helpers', () => {
  it('places every structure-definition rule of the types ingest reads in a schema definition', () => {
    // Only elements of resources medplum ships in a later version than R4 have no R4 place.
    const { skipped } = loadR4Schema();
    expect(skipped.filter((path) => !/^(EvidenceVariable|ResearchStudy)\./.test(path))).toEqual([]);
  });

  it('writes ajv paths as FHIRPath', () => {
    expect(fhirPath(AT, '')).toBe(AT);
    expect(fhirPath('Bundle', '/entry/3/resource/period/start')).toBe(
      'Bundle.entry[3].resource.period.start',
    );
    expect(fhirPath('line 2', '/a~1b')).toBe('line 2.…');
  });

  it('knows the calendar and the order of periods', () => {
    expect(['2024-02-29', '2021-02-28T23:59:59Z', '2021-02', '2021'].map(isCalendarDate)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['2021-02-29', '2100-02-29', '2021-06-31T00:00:00Z'].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
    ]);
    expect(periodInOrder('2021-03-02', '2021-03-01')).toBe(false);
    expect(periodInOrder('2021-03-02T00:30:00+01:00', '2021-03-01T23:45:00Z')).toBe(true);
    expect(periodInOrder('2021-03-02', '2021-03-01T10:00:00Z')).toBe(true); // undecided: passes
    expect(periodInOrder(undefined, '2021-03-01')).toBe(true);
  });
});
