import { SYSTEM } from './code-systems';
import {
  coding,
  concept,
  condition,
  encounter,
  ENCOUNTER_URL,
  entries,
  patient,
  problem,
  stay,
} from '../testing/fhir-builders';
import { mapForTest, rowOf } from '../testing/map-for-test';
import { patientKeysOf } from './fhir-mapping';

const onEncounter = { encounter: { reference: ENCOUNTER_URL } };

describe('the cohort: which encounters become rows (docs/fhir-mapping.md)', () => {
  it('takes the inpatient classes IMP, ACUTE and NONAC', () => {
    for (const code of ['IMP', 'ACUTE', 'NONAC'])
      expect(
        mapForTest(stay({ encounter: { class: coding(SYSTEM.actCode, code) } })).rows,
      ).toHaveLength(1);
  });

  it('leaves out other classes as not-inpatient, and counts a class the table does not hold', () => {
    const result = mapForTest([...stay({ encounter: { class: coding(SYSTEM.actCode, 'AMB') } })]);
    expect(result.excluded).toEqual({ 'not-inpatient': 1 });
    const unknown = mapForTest(stay({ encounter: { class: coding(SYSTEM.actCode, 'PRENC') } }));
    expect(unknown.excluded).toEqual({ 'not-inpatient': 1 });
    expect(unknown.unmapped).toEqual({ [`Encounter.class|${SYSTEM.actCode}|PRENC`]: 1 });
  });

  it('leaves out unfinished stays as not-finished', () => {
    expect(mapForTest(stay({ encounter: { status: 'in-progress' } })).excluded).toEqual({
      'not-finished': 1,
    });
  });

  it('leaves out stays without both dates, or with a date that names no day, as no-period', () => {
    for (const period of [{ start: '2016-03-01' }, { start: '2016-03-01', end: '2016-03' }])
      expect(mapForTest(stay({ encounter: { period } })).excluded).toEqual({ 'no-period': 1 });
  });

  it('refuses a stay that ends before it begins', () => {
    const result = mapForTest(
      stay({ encounter: { period: { start: '2016-03-04', end: '2016-03-01' } } }),
    );
    expect(result.rows).toEqual([]);
    expect(result.issues.map((issue) => issue.expression)).toEqual([
      ['Bundle.entry[1].resource.period'],
    ]);
  });

  it('leaves out stays without an ICD-coded diagnosis as not-coded, counting the other codes', () => {
    expect(mapForTest(stay({ encounter: { diagnosis: [] } })).excluded).toEqual({ 'not-coded': 1 });
    const snomed = mapForTest(
      stay({ diagnosis: condition('44054006', { system: SYSTEM.snomed, ...onEncounter }) }),
    );
    expect(snomed.excluded).toEqual({ 'not-coded': 1 });
    expect(snomed.unmapped).toEqual({ [`Condition.code|${SYSTEM.snomed}|44054006`]: 1 });
  });

  it('leaves out stays without a diabetes code as not-diabetic (ICD-9 250.x, ICD-10 E08–E13)', () => {
    expect(mapForTest(stay({ diagnosis: condition('I50.9', onEncounter) })).excluded).toEqual({
      'not-diabetic': 1,
    });
    for (const code of ['E08.9', 'E09.9', 'E10.9', 'E119', 'E13.9'])
      expect(mapForTest(stay({ diagnosis: condition(code, onEncounter) })).rows).toHaveLength(1);
    expect(mapForTest(stay({ diagnosis: condition('E14.9', onEncounter) })).excluded).toEqual({
      'not-diabetic': 1,
    });
    const icd9 = stay({
      encounter: { period: { start: '2014-03-01', end: '2014-03-04' } },
      diagnosis: condition('25001', { system: SYSTEM.icd9cm, ...onEncounter }),
    });
    expect(rowOf(icd9).diag_1).toBe('250.01');
  });

  it('takes a stay whose patient has an active diabetes problem recorded before discharge', () => {
    const heartFailure = { diagnosis: condition('I50.9', onEncounter) };
    const recorded = (recordedDate: string, status = 'active') =>
      problem('E11.9', {
        recordedDate,
        clinicalStatus: concept(SYSTEM.conditionClinical, status),
      });
    expect(mapForTest(stay(heartFailure, recorded('2015-01-01'))).rows).toHaveLength(1);
    expect(mapForTest(stay(heartFailure, recorded('2016-05-01'))).excluded).toEqual({
      'not-diabetic': 1,
    });
    expect(mapForTest(stay(heartFailure, recorded('2015-01-01', 'resolved'))).excluded).toEqual({
      'not-diabetic': 1,
    });
  });

  it('leaves out stays of more than 14 calendar days as stay-out-of-range', () => {
    const days = (end: string) => stay({ encounter: { period: { start: '2016-03-01', end } } });
    expect(rowOf(days('2016-03-15')).time_in_hospital).toBe('14');
    expect(mapForTest(days('2016-03-16')).excluded).toEqual({ 'stay-out-of-range': 1 });
  });
});

describe('identity (docs/fhir-mapping.md)', () => {
  it('takes the MR identifier and the VN identifier, canonical as the CSV path makes them', () => {
    const row = rowOf(
      stay({ patient: { mrn: ' 0149190 ' }, encounter: { visitNumber: '002278392' } }),
    );
    expect([row.patient_nbr, row.encounter_id]).toEqual(['149190', '2278392']);
  });

  it('takes the identifiers of the systems the deployment names over the typed ones', () => {
    const input = stay({
      patient: {
        identifier: [
          { system: 'urn:hospital:mrn', value: 'H-77' },
          { type: concept(SYSTEM.identifierType, 'MR'), value: 'X-1' },
        ],
      },
      encounter: { identifier: [{ system: 'urn:hospital:visit', value: 'V-9' }] },
    });
    const row = rowOf(
      input,
      {},
      {
        patientIdentifierSystem: 'urn:hospital:mrn',
        encounterIdentifierSystem: 'urn:hospital:visit',
      },
    );
    expect([row.patient_nbr, row.encounter_id]).toEqual(['H-77', 'V-9']);
  });

  it('refuses a patient without an MRN and an encounter without a visit number, without showing values', () => {
    const noMrn = mapForTest(
      stay({ patient: { identifier: [{ system: 'urn:ssn', value: '123-45-6789' }] } }),
    );
    expect(noMrn.rows).toEqual([]);
    expect(noMrn.issues.map((issue) => issue.expression[0])).toEqual([
      'Bundle.entry[0].resource.identifier',
      'Bundle.entry[1].resource.subject',
    ]);
    const noVisitNumber = mapForTest(stay({ encounter: { identifier: [{ value: 'VN-1001' }] } }));
    expect(noVisitNumber.issues.map((issue) => issue.expression[0])).toEqual([
      'Bundle.entry[1].resource.identifier',
    ]);
    for (const issue of [...noMrn.issues, ...noVisitNumber.issues])
      expect(issue.diagnostics).not.toMatch(/123-45|VN-1001|MRN-004512/);
  });

  it('resolves references by Type/id and by absolute URL as well as by urn:uuid', () => {
    const input = entries(
      patient({ id: 'p1' }),
      encounter({
        id: 'e1',
        subject: { reference: 'https://ehr.example/fhir/Patient/p1/_history/2' },
        diagnosis: [{ condition: { reference: 'Condition/c1' } }],
      }),
      condition('E11.9', {
        id: 'c1',
        subject: { reference: 'Patient/p1' },
        encounter: { reference: 'Encounter/e1' },
      }),
    );
    expect(rowOf(input).patient_nbr).toBe('MRN-004512');
  });

  it('links resources that name the patient by MRN only', () => {
    const byMrn = {
      identifier: { type: concept(SYSTEM.identifierType, 'MR'), value: 'MRN-004512' },
    };
    const input = entries(
      patient(),
      encounter({ subject: byMrn, diagnosis: [] }),
      condition('E11.9', {
        subject: byMrn,
        category: [concept(SYSTEM.conditionCategory, 'encounter-diagnosis')],
        encounter: { identifier: { type: concept(SYSTEM.identifierType, 'VN'), value: 'VN-1001' } },
      }),
    );
    expect(rowOf(input)).toMatchObject({ patient_nbr: 'MRN-004512', diag_1: 'E11.9' });
    expect(patientKeysOf(input, {})).toEqual(['MRN-004512']);
  });

  it('refuses a stay whose patient is named by MRN but not sent', () => {
    const byMrn = { identifier: { type: concept(SYSTEM.identifierType, 'MR'), value: 'MRN-9' } };
    const result = mapForTest(
      entries(
        ['encounter-1', encounter({ subject: byMrn })],
        ['diagnosis-1', condition('E11.9', onEncounter)],
      ),
    );
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'not-found',
        expression: ['Bundle.entry[0].resource.subject'],
      }),
    ]);
    expect(result.issues[0].diagnostics).not.toContain('MRN-9');
  });
});
