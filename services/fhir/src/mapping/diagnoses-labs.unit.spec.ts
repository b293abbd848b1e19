import { SYSTEM } from './code-systems';
import {
  concept,
  condition,
  ENCOUNTER_URL,
  entries,
  encounter,
  observation,
  patient,
  procedure,
} from '../testing/fhir-builders';
import { mapForTest, rowOf } from '../testing/map-for-test';
import type { Condition, EncounterDiagnosis, Observation } from './fhir-r4';
import { icd9WithDot } from './diagnoses';

const onEncounter = { encounter: { reference: ENCOUNTER_URL } };
const role = (code: string) => ({ use: concept(SYSTEM.diagnosisRole, code) });
const listed = (name: string, fields: Partial<EncounterDiagnosis> = {}): EncounterDiagnosis => ({
  condition: { reference: `urn:uuid:${name}` },
  ...fields,
});

const threeDaysBefore = (date: string) =>
  new Date(Date.parse(date) - 3 * 86_400_000).toISOString().slice(0, 10);

/** A stay with the given Encounter.diagnosis and conditions (named c1, c2, …), discharged on `discharge`. */
function stayWith(
  diagnosis: EncounterDiagnosis[],
  conditions: Condition[],
  discharge = '2016-03-04',
) {
  return entries(
    ['patient-1', patient()],
    [
      'encounter-1',
      encounter({ diagnosis, period: { start: threeDaysBefore(discharge), end: discharge } }),
    ],
    ...conditions.map((c, i) => [`c${i + 1}`, c] as const),
  );
}

describe('diagnoses (docs/fhir-mapping.md)', () => {
  it('orders the listed diagnoses by rank, then the unranked, then encounter-diagnosis Conditions not listed', () => {
    const extra = condition('N18.3', {
      ...onEncounter,
      category: [concept(SYSTEM.conditionCategory, 'encounter-diagnosis')],
    });
    const row = rowOf(
      stayWith(
        [
          listed('c1', { rank: 3 }),
          listed('c2'),
          listed('c3', { rank: 1 }),
          listed('c4', { rank: 2 }),
        ],
        [condition('I10'), condition('J18.9'), condition('E11.9'), condition('I50.9'), extra],
      ),
    );
    expect([row.diag_1, row.diag_2, row.diag_3, row.number_diagnoses]).toEqual([
      'E11.9',
      'I50.9',
      'I10',
      '5',
    ]);
  });

  it('takes discharge diagnoses over admitting ones of the same rank, and admitting ones only when there are no others', () => {
    const both = rowOf(
      stayWith(
        [
          listed('c1', { rank: 1, ...role('AD') }),
          listed('c2', { rank: 1, ...role('DD') }),
          listed('c3', { rank: 2, ...role('billing') }),
        ],
        [condition('R07.9'), condition('I21.4'), condition('E11.9')],
      ),
    );
    expect([both.diag_1, both.diag_2, both.diag_3, both.number_diagnoses]).toEqual([
      'I21.4',
      'E11.9',
      undefined,
      '2',
    ]);
    const admittingOnly = rowOf(
      stayWith([listed('c1', { rank: 1, ...role('AD') })], [condition('E11.65')]),
    );
    expect(admittingOnly.diag_1).toBe('E11.65');
  });

  it('leaves out chief complaints, comorbidity roles and refuted conditions', () => {
    const row = rowOf(
      stayWith(
        [listed('c1', role('CC')), listed('c2', { rank: 1 }), listed('c3', { rank: 2 })],
        [
          condition('R07.9'),
          condition('E11.9'),
          condition('I50.9', {
            verificationStatus: concept(
              'http://terminology.hl7.org/CodeSystem/condition-ver-status',
              'refuted',
            ),
          }),
        ],
      ),
    );
    expect([row.diag_1, row.diag_2, row.number_diagnoses]).toEqual(['E11.9', undefined, '1']);
  });

  it('keeps each code once, dotted or not', () => {
    const row = rowOf(
      stayWith(
        [listed('c1', { rank: 1 }), listed('c2', { rank: 2 })],
        [condition('E11.9'), condition('e119')],
      ),
    );
    expect([row.diag_1, row.diag_2, row.number_diagnoses]).toEqual(['E11.9', undefined, '1']);
  });

  it('keeps ICD-10 codes as sent and gives ICD-9 codes sent without their dot their dot back', () => {
    expect(rowOf(stayWith([listed('c1')], [condition('E1110')])).diag_1).toBe('E1110');
    expect(icd9WithDot('25083')).toBe('250.83');
    expect(icd9WithDot('4280')).toBe('428.0');
    expect(icd9WithDot('E8889')).toBe('E888.9');
    expect(icd9WithDot('V4581')).toBe('V45.81');
    expect(icd9WithDot('250')).toBe('250');
    expect(icd9WithDot('250.83')).toBe('250.83');
    const icd9 = (code: string) => condition(code, { system: SYSTEM.icd9cm });
    const row = rowOf(
      stayWith(
        [listed('c1'), listed('c2'), listed('c3')],
        [icd9('25083'), icd9('E8889'), icd9('V4581')],
        '2014-06-03',
      ),
    );
    expect([row.diag_1, row.diag_2, row.diag_3, row.diag_code_system]).toEqual([
      '250.83',
      'E888.9',
      'V45.81',
      'ICD9CM',
    ]);
  });

  it('takes the coding of the system in force on the discharge date from a Condition coded in both', () => {
    const both: Condition = {
      ...condition('E11.9'),
      code: {
        coding: [
          { system: SYSTEM.icd9cm, code: '250.00' },
          { system: SYSTEM.icd10cm, code: 'E11.9' },
        ],
      },
    };
    const after = rowOf(stayWith([listed('c1')], [both], '2015-10-01'));
    expect([after.diag_1, after.diag_code_system]).toEqual(['E11.9', 'ICD10CM']);
    const before = rowOf(stayWith([listed('c1')], [both], '2015-09-30'));
    expect([before.diag_1, before.diag_code_system]).toEqual(['250.00', 'ICD9CM']);
  });

  it('leaves out (and counts) a Condition coded only in the other system, and takes the other when none is coded in the one in force', () => {
    const result = mapForTest(
      stayWith(
        [listed('c1'), listed('c2')],
        [condition('E11.9'), condition('4280', { system: SYSTEM.icd9cm })],
      ),
    );
    expect(result.rows[0].row).toMatchObject({
      diag_1: 'E11.9',
      diag_2: undefined,
      number_diagnoses: '1',
    });
    expect(result.unmapped).toEqual({ [`Condition.code|${SYSTEM.icd9cm}|4280`]: 1 });
    const icd9Only = rowOf(
      stayWith([listed('c1')], [condition('25000', { system: SYSTEM.icd9cm })], '2016-03-04'),
    );
    expect([icd9Only.diag_1, icd9Only.diag_code_system]).toEqual(['250.00', 'ICD9CM']);
  });

  it('counts a listed Condition that is not in the input', () => {
    const result = mapForTest(stayWith([listed('c1'), listed('missing')], [condition('E11.9')]));
    expect(result.unmapped).toEqual({ 'Encounter.diagnosis.condition|not-in-input|*': 1 });
  });
});

const stayWithObservations = (...observations: Observation[]) =>
  entries(
    ['patient-1', patient()],
    ['encounter-1', encounter()],
    ['diagnosis-1', condition('E11.9', onEncounter)],
    ...observations,
  );

describe('laboratory and procedures (docs/fhir-mapping.md)', () => {
  it('counts every reported laboratory result, not distinct tests; bedside glucose sent as a laboratory result counts', () => {
    const row = rowOf(
      stayWithObservations(
        observation('2345-7', 120, 'mg/dL'),
        observation('2345-7', 140, 'mg/dL'),
        observation('41653-7', 180, 'mg/dL'),
        observation('2951-2', 140, 'mmol/L', { status: 'preliminary' }),
        observation('2951-2', 140, 'mmol/L', { status: 'cancelled' }),
        observation('2951-2', 140, 'mmol/L', { status: 'registered' }),
        observation('8867-4', 80, '/min', {
          category: [concept(SYSTEM.observationCategory, 'vital-signs')],
        }),
      ),
    );
    expect(row.num_lab_procedures).toBe('4');
  });

  it('bands the highest serum or plasma glucose, converting mmol/L', () => {
    const band = (...observations: Observation[]) =>
      rowOf(stayWithObservations(...observations)).max_glu_serum;
    expect(band()).toBe('None');
    expect(band(observation('2345-7', 200, 'mg/dL'))).toBe('Norm');
    expect(band(observation('2345-7', 180, 'mg/dL'), observation('2345-7', 250, 'mg/dL'))).toBe(
      '>200',
    );
    expect(band(observation('14749-6', 17, 'mmol/L'))).toBe('>300');
    expect(band(observation('2345-7', 12, 'mmol/L'))).toBe('>200');
  });

  it('counts whole-blood and capillary glucose as labs but leaves them out of the serum band', () => {
    const row = rowOf(
      stayWithObservations(
        observation('2339-0', 400, 'mg/dL'),
        observation('41653-7', 350, 'mg/dL'),
      ),
    );
    expect([row.max_glu_serum, row.num_lab_procedures]).toEqual(['None', '2']);
  });

  it('bands the highest HbA1c, converting IFCC mmol/mol to NGSP %', () => {
    const band = (...observations: Observation[]) =>
      rowOf(stayWithObservations(...observations)).A1Cresult;
    expect(band()).toBe('None');
    expect(band(observation('4548-4', 6.5, '%'))).toBe('Norm');
    expect(band(observation('4548-4', 7.5, '%'), observation('17856-6', 7.2, '%'))).toBe('>7');
    expect(band(observation('4549-2', 8.1, '%'))).toBe('>8');
    expect(band(observation('59261-8', 64, 'mmol/mol'))).toBe('>8');
    expect(band(observation('59261-8', 52, 'mmol/mol'))).toBe('Norm');
  });

  it('counts a unit it cannot convert, and leaves the value out', () => {
    const result = mapForTest(stayWithObservations(observation('2345-7', 5, 'g/L')));
    expect(result.rows[0].row.max_glu_serum).toBe('None');
    expect(result.unmapped).toEqual({ [`Observation.valueQuantity.code|${SYSTEM.ucum}|g/L`]: 1 });
  });

  it('counts completed procedures that are not laboratory procedures', () => {
    const lab = { category: concept(SYSTEM.snomed, '108252007') };
    const row = rowOf(
      entries(
        ['patient-1', patient()],
        ['encounter-1', encounter()],
        ['diagnosis-1', condition('E11.9', onEncounter)],
        procedure(),
        procedure(),
        procedure({ status: 'in-progress' }),
        procedure(lab),
      ),
    );
    expect(row.num_procedures).toBe('2');
  });
});
