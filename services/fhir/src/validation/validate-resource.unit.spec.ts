import { SYSTEM } from '../mapping/code-systems';
import { operationOutcome } from './fhir-issue';
import { validateFhirResource } from './validate-resource';

const AT = 'Bundle.entry[3].resource';
const encounter = (fields: Record<string, unknown> = {}) => ({
  resourceType: 'Encounter',
  status: 'finished',
  class: { system: SYSTEM.actCode, code: 'IMP' },
  ...fields,
});

describe('validateFhirResource', () => {
  it('finds nothing wrong with a valid resource', () => {
    expect(validateFhirResource(encounter(), AT)).toEqual([]);
  });

  it('refuses an Encounter.status outside its required value set once, naming the value set (the schema’s enum says it too)', () => {
    expect(validateFhirResource(encounter({ status: 'bogus' }), AT)).toEqual([
      {
        severity: 'error',
        code: 'code-invalid',
        diagnostics:
          'status is not a code of the required value set http://hl7.org/fhir/ValueSet/encounter-status',
        expression: [`${AT}.status`],
      },
    ]);
  });

  it('checks the other required bindings the mapping reads', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ resourceType: 'Observation', status: 'done', code: { text: 'x' } }, 'status'],
      [
        {
          resourceType: 'Condition',
          subject: { reference: 'Patient/1' },
          clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'gone' }] },
        },
        'clinicalStatus',
      ],
      [
        {
          resourceType: 'MedicationRequest',
          status: 'active',
          intent: 'wish',
          subject: { reference: 'Patient/1' },
          medicationCodeableConcept: { text: 'metformin' },
        },
        'intent',
      ],
      [
        {
          resourceType: 'MedicationRequest',
          status: 'paused',
          intent: 'order',
          subject: { reference: 'Patient/1' },
          medicationCodeableConcept: { text: 'metformin' },
        },
        'status',
      ],
      [
        { resourceType: 'Procedure', status: 'done', subject: { reference: 'Patient/1' } },
        'status',
      ],
      [
        {
          resourceType: 'Coverage',
          status: 'valid',
          beneficiary: { reference: 'Patient/1' },
          payor: [{ reference: 'Organization/1' }],
        },
        'status',
      ],
      [{ resourceType: 'Patient', gender: 'f' }, 'gender'],
      [encounter({ class: { system: 'http://example.org/classes', code: 'IMP' } }), 'class'],
    ];
    for (const [resource, element] of cases)
      expect(validateFhirResource(resource, AT).map((issue) => issue.expression)).toEqual([
        [`${AT}.${element}`],
      ]);
  });

  it('locates structural problems under the given location', () => {
    const issues = validateFhirResource(
      {
        resourceType: 'Encounter',
        class: { system: SYSTEM.actCode, code: 'IMP' },
        period: { start: 'soon' },
      },
      AT,
    );
    expect(issues.map((issue) => issue.expression[0]).sort()).toEqual(
      [`${AT}.period.start`, `${AT}.status`].sort(),
    );
    expect(issues.every((issue) => issue.severity === 'error')).toBe(true);
  });

  it('refuses what is no resource', () => {
    expect(validateFhirResource('Patient', 'line 3')[0]).toMatchObject({
      code: 'structure',
      expression: ['line 3'],
    });
    expect(validateFhirResource({ id: '1' }, 'line 3')[0]).toMatchObject({ code: 'required' });
    expect(validateFhirResource({ resourceType: 'Nope' }, AT)[0]).toMatchObject({
      expression: [AT],
    });
  });

  it('never shows identifier values in its messages', () => {
    const issues = validateFhirResource(
      {
        resourceType: 'Patient',
        identifier: [{ value: 4512345 }],
        birthDate: 'MRN-0045123',
        gender: 'MRN-0045123',
      },
      AT,
    );
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.diagnostics).not.toContain('45123');
      expect(issue.diagnostics).not.toContain('MRN');
    }
  });
});

describe('operationOutcome', () => {
  it('lists each issue with its location', () => {
    const issues = validateFhirResource(encounter({ status: 'bogus' }), AT);
    expect(operationOutcome(issues)).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'code-invalid',
          diagnostics: issues[0].diagnostics,
          expression: [`${AT}.status`],
        },
      ],
    });
  });

  it('says all is well with one informational issue (FHIR requires one)', () => {
    expect(operationOutcome([]).issue).toEqual([
      { severity: 'information', code: 'informational', diagnostics: 'No problems found' },
    ]);
  });
});
