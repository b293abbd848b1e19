import { SYSTEM } from './code-systems';
import {
  coding,
  concept,
  coverage,
  ENCOUNTER_URL,
  ethnicityExtension,
  observation,
  practitionerRole,
  raceExtension,
  stay,
} from '../testing/fhir-builders';
import { mapForTest, rowOf } from '../testing/map-for-test';
import type { Encounter, Patient } from './fhir-r4';

const withPatient = (fields: Partial<Patient>) => stay({ patient: fields });
/** A two-day stay admitted at `start`. */
const admittedOn = (start: string, fields: Partial<Patient>) => {
  const end = new Date(Date.parse(start.slice(0, 10)) + 2 * 86_400_000).toISOString().slice(0, 10);
  return stay({ patient: fields, encounter: { period: { start, end } } });
};

describe('demographics (docs/fhir-mapping.md)', () => {
  it('takes the age in whole years at the admission date as a ten-year band', () => {
    expect(rowOf(admittedOn('2016-03-01', { birthDate: '1956-03-01' })).age).toBe('[60-70)');
    expect(rowOf(admittedOn('2016-03-01', { birthDate: '1956-03-02' })).age).toBe('[50-60)');
  });

  it('reads the admission date as the sender wrote it (its local date)', () => {
    // 23:30 in New York on 1 March is 2 March in UTC: the patient is not 60 yet.
    expect(rowOf(admittedOn('2016-03-01T23:30:00-05:00', { birthDate: '1956-03-02' })).age).toBe(
      '[50-60)',
    );
  });

  it('takes a partial birth date at the middle of what it names', () => {
    expect(rowOf(admittedOn('2016-06-30', { birthDate: '1956' })).age).toBe('[50-60)');
    expect(rowOf(admittedOn('2016-07-01', { birthDate: '1956' })).age).toBe('[60-70)');
    expect(rowOf(admittedOn('2016-03-14', { birthDate: '1956-03' })).age).toBe('[50-60)');
    expect(rowOf(admittedOn('2016-03-15', { birthDate: '1956-03' })).age).toBe('[60-70)');
  });

  it('puts 100 and over in [90-100), the last band of the table', () => {
    expect(rowOf(withPatient({ birthDate: '1910-01-01' })).age).toBe('[90-100)');
  });

  it('refuses a stay whose patient has no birth date, at the birth date', () => {
    const result = mapForTest(withPatient({ birthDate: undefined }));
    expect(result.issues.map((issue) => issue.expression[0])).toEqual([
      'Bundle.entry[0].resource.birthDate',
    ]);
  });

  it('maps gender; other, unknown and absent are Unknown/Invalid', () => {
    expect(rowOf(withPatient({ gender: 'male' })).gender).toBe('Male');
    expect(rowOf(withPatient({ gender: 'female' })).gender).toBe('Female');
    for (const gender of ['other', 'unknown', undefined] as const)
      expect(rowOf(withPatient({ gender })).gender).toBe('Unknown/Invalid');
  });

  it('takes race from the US Core extensions: Hispanic ethnicity wins over the race', () => {
    const race = (extension: Patient['extension']) => rowOf(withPatient({ extension })).race;
    expect(race([raceExtension(['2106-3']), ethnicityExtension('2135-2')])).toBe('Hispanic');
    expect(race([raceExtension(['2106-3']), ethnicityExtension('2186-5')])).toBe('Caucasian');
    expect(race([raceExtension(['2054-5'])])).toBe('AfricanAmerican');
    expect(race([raceExtension(['2028-9'])])).toBe('Asian');
  });

  it('makes American Indian or Alaska Native, Pacific Islander, two races and Other Race the table’s Other', () => {
    const race = (extension: Patient['extension']) => rowOf(withPatient({ extension })).race;
    expect(race([raceExtension(['1002-5'])])).toBe('Other');
    expect(race([raceExtension(['2076-8'])])).toBe('Other');
    expect(race([raceExtension(['2106-3', '2054-5'])])).toBe('Other');
    expect(race([raceExtension([], ['2131-1'])])).toBe('Other');
  });

  it('leaves race missing for UNK, ASKU or no extension, and counts a code the table does not hold', () => {
    const unknown = {
      url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race',
      extension: [{ url: 'ombCategory', valueCoding: coding(SYSTEM.nullFlavor, 'UNK') }],
    };
    expect(rowOf(withPatient({ extension: [unknown] })).race).toBeUndefined();
    expect(rowOf(withPatient({})).race).toBeUndefined();
    const result = mapForTest(withPatient({ extension: [raceExtension(['9999-9'])] }));
    expect(result.rows[0].row.race).toBeUndefined();
    expect(result.unmapped).toEqual({
      [`Patient.extension:race.ombCategory|${SYSTEM.cdcRace}|9999-9`]: 1,
    });
  });

  it('bands the latest body weight of the stay in pounds, from kg, g or lb', () => {
    const weight = (...observations: ReturnType<typeof observation>[]) =>
      rowOf(stay({}, ...observations)).weight;
    expect(weight(observation('29463-7', 80, 'kg'))).toBe('[175-200)');
    expect(weight(observation('29463-7', 30000, 'g'))).toBe('[50-75)');
    expect(weight(observation('3141-9', 95, '[lb_av]'))).toBe('[75-100)');
    expect(weight(observation('29463-7', 95, 'kg'))).toBe('>200');
    expect(weight()).toBeUndefined();
    expect(
      weight(
        observation('29463-7', 95, 'kg', { effectiveDateTime: '2016-03-03T08:00:00Z' }),
        observation('29463-7', 60, 'kg', { effectiveDateTime: '2016-03-01T08:00:00Z' }),
      ),
    ).toBe('>200');
  });

  it('takes the payer of the active Coverage whose period holds the admission, the primary one first', () => {
    const sop = (code: string) => concept(SYSTEM.sourceOfPayment, code);
    const payer = (...coverages: ReturnType<typeof coverage>[]) =>
      rowOf(stay({}, ...coverages)).payer_code;
    expect(payer(coverage(sop('1')))).toBe('MC');
    expect(payer(coverage(sop('2'), { status: 'cancelled' }))).toBeUndefined();
    expect(payer(coverage(sop('2'), { period: { end: '2015-12-31' } }))).toBeUndefined();
    expect(payer(coverage(sop('2'), { period: { start: '2016-01-01', end: '2016-03-01' } }))).toBe(
      'MD',
    );
    expect(payer(coverage(sop('81'), { order: 2 }), coverage(sop('6'), { order: 1 }))).toBe('BC');
    expect(payer(coverage(concept(SYSTEM.readmit('uci-payer'), 'UN')))).toBe('UN');
    const unknown = mapForTest(stay({}, coverage(sop('5'))));
    expect(unknown.rows[0].row.payer_code).toBeUndefined();
    expect(unknown.unmapped).toEqual({ [`Coverage.type|${SYSTEM.sourceOfPayment}|5`]: 1 });
  });
});

const withEncounter = (fields: Partial<Encounter>) => stay({ encounter: fields });
const period = (start: string, end: string) => withEncounter({ period: { start, end } });

describe('the stay (docs/fhir-mapping.md)', () => {
  it('counts calendar days between the dates as written: a same-day stay is 1', () => {
    expect(rowOf(period('2016-03-01T08:00:00Z', '2016-03-01T20:00:00Z')).time_in_hospital).toBe(
      '1',
    );
  });

  it('counts a stay from 23:00 to 01:00 the next day as 1 day, and to 01:00 two days later as 2', () => {
    expect(
      rowOf(period('2016-03-01T23:00:00-05:00', '2016-03-02T01:00:00-05:00')).time_in_hospital,
    ).toBe('1');
    // 26 hours elapsed, but two midnights: 2 days, as hospitals count them.
    expect(
      rowOf(period('2016-03-01T23:00:00-05:00', '2016-03-03T01:00:00-05:00')).time_in_hospital,
    ).toBe('2');
  });

  it('gives the instants in UTC', () => {
    const row = rowOf(period('2016-03-01T23:00:00-05:00', '2016-03-03T01:00:00+01:00'));
    expect([row.admitted_at, row.discharged_at]).toEqual([
      '2016-03-02T04:00:00.000Z',
      '2016-03-03T00:00:00.000Z',
    ]);
  });

  it('takes the admission type from the NUBC code, else HL7 ActPriority; none is 6, an unknown code 8 (counted)', () => {
    const type = (priority: Encounter['priority']) => mapForTest(withEncounter({ priority }));
    const nubc = (code: string) => coding(SYSTEM.nubcPriority, code);
    const hl7 = (code: string) => coding(SYSTEM.actPriority, code);
    const id = (priority: Encounter['priority']) => type(priority).rows[0].row.admission_type_id;
    expect(id({ coding: [nubc('1')] })).toBe('1');
    expect(id({ coding: [nubc('5')] })).toBe('7');
    expect(id({ coding: [nubc('9')] })).toBe('5');
    expect(id({ coding: [hl7('EM')] })).toBe('1');
    expect(id({ coding: [hl7('R')] })).toBe('3');
    expect(id({ coding: [hl7('EM'), nubc('2')] })).toBe('2');
    expect(id(undefined)).toBe('6');
    expect(id({ coding: [coding(SYSTEM.nullFlavor, 'UNK')] })).toBe('5');
    const textOnly = type({ text: 'urgent' });
    expect([textOnly.rows[0].row.admission_type_id, textOnly.unmapped]).toEqual([
      '8',
      { 'Encounter.priority|text|*': 1 },
    ]);
    const unknown = type({ coding: [hl7('CS')] });
    expect(unknown.rows[0].row.admission_type_id).toBe('8');
    expect(unknown.unmapped).toEqual({ [`Encounter.priority|${SYSTEM.actPriority}|CS`]: 1 });
  });

  it('takes the admission source from the NUBC point of origin, else HL7 admit-source', () => {
    const id = (admitSource: Encounter['hospitalization']) =>
      mapForTest(withEncounter({ hospitalization: admitSource })).rows[0].row.admission_source_id;
    const source = (system: string, code: string) => ({ admitSource: concept(system, code) });
    expect(id(source(SYSTEM.nubcPointOfOrigin, '7'))).toBe('7');
    expect(id(source(SYSTEM.nubcPointOfOrigin, 'A'))).toBe('10');
    expect(id(source(SYSTEM.nubcPointOfOrigin, 'F'))).toBe('26');
    expect(id(source(SYSTEM.admitSource, 'hosp-trans'))).toBe('4');
    expect(id(source(SYSTEM.admitSource, 'emd'))).toBe('7');
    expect(id(source(SYSTEM.readmit('uci-admission-source'), '11'))).toBe('11');
    expect(id(undefined)).toBe('17');
    expect(id(source(SYSTEM.nullFlavor, 'UNK'))).toBe('21');
    const unknown = mapForTest(
      withEncounter({ hospitalization: source(SYSTEM.admitSource, 'other') }),
    );
    expect(unknown.rows[0].row.admission_source_id).toBe('20');
    expect(unknown.unmapped).toEqual({
      [`Encounter.hospitalization.admitSource|${SYSTEM.admitSource}|other`]: 1,
    });
  });

  it('takes the discharge disposition from the NUBC status when sent: only it tells home health (6) from home (1)', () => {
    const id = (...codings: ReturnType<typeof coding>[]) =>
      mapForTest(withEncounter({ hospitalization: { dischargeDisposition: { coding: codings } } }))
        .rows[0].row.discharge_disposition_id;
    const nubc = (code: string) => coding(SYSTEM.nubcDischargeStatus, code);
    const hl7 = (code: string) => coding(SYSTEM.dischargeDisposition, code);
    expect(id(nubc('06'))).toBe('6');
    expect(id(hl7('home'))).toBe('1');
    expect(id(hl7('home'), nubc('06'))).toBe('6');
    expect(id(nubc('20'))).toBe('11');
    expect(id(hl7('exp'))).toBe('11');
    expect(id(hl7('snf'))).toBe('3');
    expect(id(nubc('62'))).toBe('22');
    expect(id(coding(SYSTEM.nullFlavor, 'UNK'))).toBe('26');
    expect(rowOf(withEncounter({ hospitalization: {} })).discharge_disposition_id).toBe('18');
    expect(id(nubc('99'))).toBe('25');
  });

  it('takes the specialty of the admitting practitioner’s role (NUCC), else its text, else the service type', () => {
    const admitter = {
      type: [concept(SYSTEM.participationType, 'ADM')],
      individual: { reference: 'urn:uuid:role-1' },
    };
    const attender = {
      type: [concept(SYSTEM.participationType, 'ATND')],
      individual: { reference: 'urn:uuid:role-2' },
    };
    const specialty = (
      role: ReturnType<typeof practitionerRole>,
      fields: Partial<Encounter> = {},
    ) =>
      rowOf(
        stay(
          { encounter: { participant: [attender, admitter], ...fields } },
          ['role-2', practitionerRole(concept(SYSTEM.nucc, '207RC0000X'))],
          ['role-1', role],
        ),
      ).medical_specialty;
    expect(specialty(practitionerRole(concept(SYSTEM.nucc, '207RE0101X')))).toBe('Endocrinology');
    expect(specialty(practitionerRole({ text: 'Hospitalist-Nocturnist' }))).toBe(
      'Hospitalist-Nocturnist',
    );
    expect(specialty(practitionerRole(concept(SYSTEM.nucc, '207Q00000X')))).toBe(
      'Family/GeneralPractice',
    );
    expect(
      rowOf(withEncounter({ serviceType: concept(SYSTEM.nucc, '207RN0300X') })).medical_specialty,
    ).toBe('Nephrology');
    expect(rowOf(stay()).medical_specialty).toBeUndefined();
    const long = mapForTest(withEncounter({ serviceType: { text: 'x'.repeat(65) } }));
    expect([long.rows[0].row.medical_specialty, long.unmapped]).toEqual([
      undefined,
      { 'Encounter.serviceType|text|*': 1 },
    ]);
  });

  it('finds the admitter’s PractitionerRole through its Practitioner', () => {
    const admitter = {
      type: [concept(SYSTEM.participationType, 'ADM')],
      individual: { reference: 'Practitioner/dr-1' },
    };
    const row = rowOf(
      stay(
        { encounter: { participant: [admitter] } },
        practitionerRole(concept(SYSTEM.nucc, '207RP1001X'), {
          practitioner: { reference: 'Practitioner/dr-1' },
        }),
      ),
    );
    expect(row.medical_specialty).toBe('Pulmonology');
  });
});

// Keeps the encounter reference of the builders in one place for the observations above.
void ENCOUNTER_URL;
