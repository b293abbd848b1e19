import { SYSTEM } from './code-systems';
import {
  coding,
  condition,
  encounter,
  ENCOUNTER_URL,
  entries,
  medicationRequest,
  patient,
  rxnorm,
} from '../testing/fhir-builders';
import { mapForTest, rowOf } from '../testing/map-for-test';
import type { Encounter, MedicationRequest, Resource } from './fhir-r4';
import type { HistoryMedicationOrder, HistoryVisit, PatientHistory } from './patient-history';

const PATIENT = 'patient:MRN-004512';
const METFORMIN = rxnorm('6809', 'metformin');
const GLIPIZIDE = rxnorm('4821', 'glipizide');
const GLARGINE = rxnorm('274783', 'insulin glargine');
const LISPRO = rxnorm('86009', 'insulin lispro');
const mg = (value: number, perDay = 1) => ({ value, unit: 'mg', perDay });
const units = (value: number, perDay = 1) => ({ value, unit: '[iU]', perDay });

/** The stay (admitted 2016-03-01) with its resources after patient, encounter and diagnosis. */
const stayWith = (...resources: Resource[]) =>
  entries(
    ['patient-1', patient()],
    ['encounter-1', encounter()],
    ['diagnosis-1', condition('E11.9', { encounter: { reference: ENCOUNTER_URL } })],
    ...resources,
  );

const order = (fields: Partial<HistoryMedicationOrder>): HistoryMedicationOrder => ({
  orderKey: 'encounter:MedicationRequest/home-1',
  column: 'metformin',
  dailyDose: 1000,
  unit: 'mg',
  authoredAt: Date.parse('2016-01-10T00:00:00Z'),
  status: 'active',
  ...fields,
});
const history = (medicationOrders: HistoryMedicationOrder[] = [], visits: HistoryVisit[] = []) => ({
  [PATIENT]: { medicationOrders, visits } satisfies PatientHistory,
});

describe('medications (docs/fhir-mapping.md)', () => {
  it('counts distinct generic names: the RxNorm ingredient, else the coding’s code, else the text', () => {
    const row = rowOf(
      stayWith(
        medicationRequest(METFORMIN, mg(500, 2)),
        medicationRequest(rxnorm('6809'), mg(500, 2), { status: 'completed' }),
        medicationRequest(rxnorm('29046', 'lisinopril'), undefined),
        medicationRequest({ text: 'Aspirin 81 MG' }, undefined),
        medicationRequest({ text: 'aspirin 81 mg' }, undefined),
        medicationRequest(GLIPIZIDE, mg(5), { status: 'cancelled' }),
        medicationRequest(GLIPIZIDE, mg(5), { status: 'entered-in-error' }),
      ),
    );
    expect(row.num_medications).toBe('3');
  });

  it('marks a drug ordered with no previous order Steady, a change (a new drug) and a diabetes medication', () => {
    const row = rowOf(stayWith(medicationRequest(METFORMIN, mg(500, 2))));
    expect([row.metformin, row.glipizide, row.change, row.diabetesMed]).toEqual([
      'Steady',
      'No',
      'Ch',
      'Yes',
    ]);
  });

  it('compares the daily dose with the previous order within 365 days: Up, Down, Steady', () => {
    const metformin = (perDay: number, previous: HistoryMedicationOrder[]) =>
      rowOf(stayWith(medicationRequest(METFORMIN, mg(500, perDay))), history(previous));
    expect(metformin(3, [order({})]).metformin).toBe('Up');
    expect(metformin(1, [order({})]).metformin).toBe('Down');
    const same = metformin(2, [order({})]);
    expect([same.metformin, same.change]).toEqual(['Steady', 'No']);
    const old = metformin(3, [order({ authoredAt: Date.parse('2015-02-01T00:00:00Z') })]);
    expect([old.metformin, old.change]).toEqual(['Steady', 'Ch']);
    expect(metformin(3, [order({ dailyDose: null })]).metformin).toBe('Steady');
    expect(metformin(3, [order({ unit: 'g', dailyDose: 1 })]).metformin).toBe('Steady');
  });

  it('compares with the latest previous order, from the input as well as the history', () => {
    const earlier = encounter({
      visitNumber: 'VN-900',
      class: coding(SYSTEM.actCode, 'AMB'),
      period: { start: '2016-02-01', end: '2016-02-01' },
    });
    const input = [
      ...stayWith(medicationRequest(METFORMIN, mg(500, 2))),
      ...entries(
        ['encounter-0', earlier],
        medicationRequest(METFORMIN, mg(500, 3), {
          id: 'mr-0',
          encounter: { reference: 'urn:uuid:encounter-0' },
          authoredOn: '2016-02-01',
        }),
      ),
    ].map((entry, index) => ({ ...entry, location: `Bundle.entry[${index}].resource` }));
    expect(rowOf(input, history([order({ dailyDose: 500 })])).metformin).toBe('Down');
  });

  it('sums several insulin products into the one insulin column', () => {
    const row = rowOf(
      stayWith(medicationRequest(GLARGINE, units(20)), medicationRequest(LISPRO, units(5, 3))),
      history([order({ column: 'insulin', dailyDose: 30, unit: '[iU]' })]),
    );
    expect([row.insulin, row.num_medications]).toEqual(['Up', '2']);
    expect(
      rowOf(
        stayWith(
          medicationRequest(
            { text: 'Insulin Glargine 100 UNT/ML Injectable Solution [Lantus]' },
            undefined,
          ),
        ),
      ).insulin,
    ).toBe('Steady');
  });

  it('reports columns that went up and down each their own way', () => {
    const row = rowOf(
      stayWith(medicationRequest(METFORMIN, mg(500, 4)), medicationRequest(GLIPIZIDE, mg(5, 1))),
      history([
        order({}),
        order({
          orderKey: 'encounter:MedicationRequest/home-2',
          column: 'glipizide',
          dailyDose: 10,
        }),
      ]),
    );
    expect([row.metformin, row.glipizide, row.change]).toEqual(['Up', 'Down', 'Ch']);
  });

  it('counts a home drug held on admission as a change: an active previous order not ordered in the stay', () => {
    const held = rowOf(stayWith(), history([order({})]));
    expect([held.metformin, held.change, held.diabetesMed]).toEqual(['No', 'Ch', 'No']);
    const finished = rowOf(stayWith(), history([order({ status: 'completed' })]));
    expect(finished.change).toBe('No');
  });

  it('feeds a combination product to its own column, by its set of ingredients', () => {
    const row = rowOf(
      stayWith(
        medicationRequest({ text: 'glyBURIDE 5 MG / metFORMIN 500 MG Oral Tablet' }, mg(1, 2)),
      ),
    );
    expect([row['glyburide-metformin'], row.glyburide, row.metformin, row.num_medications]).toEqual(
      ['Steady', 'No', 'No', '1'],
    );
  });

  it('feeds a combination with no column of its own to its ingredients’ columns, and reports drugs with no column', () => {
    const result = mapForTest(
      stayWith(
        medicationRequest({ text: 'sitagliptin 50 MG / metformin 500 MG Oral Tablet' }, mg(1, 2)),
        medicationRequest(rxnorm('1545653', 'empagliflozin'), mg(10)),
      ),
    );
    const row = result.rows[0].row;
    expect([row.metformin, row.num_medications, row.diabetesMed]).toEqual(['Steady', '2', 'Yes']);
    expect(result.unmapped).toEqual({
      [`MedicationRequest.medication:no-column|${SYSTEM.readmit('ingredient-name')}|sitagliptin`]: 1,
      [`MedicationRequest.medication:no-column|${SYSTEM.readmit('ingredient-name')}|empagliflozin`]: 1,
    });
  });

  it('maps a clinical drug code no table holds by the ingredient its display names', () => {
    const extendedRelease = {
      coding: [
        coding(
          SYSTEM.rxnorm,
          '860975',
          '24 HR metFORMIN hydrochloride 500 MG Extended Release Oral Tablet',
        ),
      ],
    };
    const row = rowOf(stayWith(medicationRequest(extendedRelease, mg(500))));
    expect([row.metformin, row.num_medications]).toEqual(['Steady', '1']);
  });

  it('never marks examide or citoglipton', () => {
    const row = rowOf(stayWith(medicationRequest({ text: 'examide' }, undefined)));
    expect([row.examide, row.diabetesMed, row.num_medications]).toEqual(['No', 'No', '1']);
  });

  it('reads doses a day from frequency and period, timing codes and meal times, and a Medication resource', () => {
    const bid: Partial<MedicationRequest> = {
      dosageInstruction: [
        {
          timing: {
            code: {
              coding: [coding('http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', 'BID')],
            },
          },
          doseAndRate: [{ doseQuantity: { value: 500, code: 'mg' } }],
        },
      ],
    };
    const meals: Partial<MedicationRequest> = {
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'urn:uuid:drug-1' },
      dosageInstruction: [
        {
          timing: { repeat: { when: ['ACM', 'ACD', 'ACV'] } },
          doseAndRate: [{ doseQuantity: { value: 6, code: '[iU]' } }],
        },
      ],
    };
    const result = mapForTest(
      [
        ...stayWith(
          medicationRequest(METFORMIN, undefined, bid),
          medicationRequest(LISPRO, undefined, meals),
        ),
        ...entries(['drug-1', { resourceType: 'Medication', code: LISPRO }]),
      ].map((entry, index) => ({ ...entry, location: `Bundle.entry[${index}].resource` })),
      history([
        order({ dailyDose: 1000 }),
        order({ orderKey: 'encounter:x', column: 'insulin', dailyDose: 10, unit: '[iU]' }),
      ]),
    );
    expect(result.rows[0].row).toMatchObject({ metformin: 'Steady', insulin: 'Up' });
  });

  it('teaches the history every diabetes order with its daily dose', () => {
    const result = mapForTest(
      stayWith(
        medicationRequest(METFORMIN, mg(500, 2), { id: 'mr-1' }),
        medicationRequest(rxnorm('29046'), undefined, { id: 'mr-2' }),
      ),
    );
    expect(result.historyToKeep[0].medicationOrders).toEqual([
      {
        orderKey: 'encounter:MedicationRequest/mr-1',
        column: 'metformin',
        dailyDose: 1000,
        unit: 'mg',
        authoredAt: Date.parse('2016-03-01T16:00:00Z'),
        status: 'active',
      },
    ]);
  });
});

const visit = (name: string, fields: Partial<Encounter>): readonly [string, Encounter] => [
  name,
  encounter({ visitNumber: name, diagnosis: [], ...fields }),
];
const at = (start: string, code: string, fields: Partial<Encounter> = {}) =>
  ({
    class: coding(SYSTEM.actCode, code),
    period: { start, end: start },
    ...fields,
  }) satisfies Partial<Encounter>;

describe('prior visits (docs/fhir-mapping.md)', () => {
  it('counts the visits that started in the 365 days before the admission, by class', () => {
    const input = [
      ...stayWith(),
      ...entries(
        visit('V1', at('2015-12-01T10:00:00-05:00', 'AMB')),
        visit('V2', at('2016-02-20T10:00:00-05:00', 'EMER')),
        visit('V3', at('2015-08-01T10:00:00-05:00', 'IMP')),
        visit('V4', at('2015-03-02T10:00:00-05:00', 'VR')),
        visit('V5', at('2015-02-28T10:00:00-05:00', 'IMP')),
        visit('V6', at('2016-03-01T10:00:00-05:00', 'EMER')),
        visit('V7', at('2016-03-20T10:00:00-05:00', 'AMB')),
        visit('V8', at('2016-01-05T10:00:00-05:00', 'AMB', { status: 'cancelled' })),
        visit(
          'V9',
          at('2016-03-01T08:00:00-05:00', 'EMER', { partOf: { reference: ENCOUNTER_URL } }),
        ),
      ),
    ].map((entry, index) => ({ ...entry, location: `Bundle.entry[${index}].resource` }));
    const row = rowOf(input);
    expect([row.number_outpatient, row.number_emergency, row.number_inpatient]).toEqual([
      '2',
      '1',
      '1',
    ]);
  });

  it('counts the visits of the stored history, each visit once', () => {
    const stored: HistoryVisit[] = [
      {
        visitKey: 'encounter:V1',
        kind: 'emergency',
        startedAt: Date.parse('2016-01-01T00:00:00Z'),
      },
      {
        visitKey: 'encounter:V2',
        kind: 'inpatient',
        startedAt: Date.parse('2015-11-01T00:00:00Z'),
      },
      {
        visitKey: 'encounter:VN-1001',
        kind: 'inpatient',
        startedAt: Date.parse('2016-03-01T15:00:00Z'),
      },
      {
        visitKey: 'encounter:V3',
        kind: 'emergency',
        startedAt: Date.parse('2016-03-01T13:00:00Z'),
        partOf: 'encounter:VN-1001',
      },
    ];
    const input = [...stayWith(), ...entries(visit('V1', at('2016-01-01T00:00:00Z', 'EMER')))].map(
      (entry, index) => ({
        ...entry,
        location: `Bundle.entry[${index}].resource`,
      }),
    );
    const row = rowOf(input, history([], stored));
    expect([row.number_outpatient, row.number_emergency, row.number_inpatient]).toEqual([
      '0',
      '1',
      '1',
    ]);
  });

  it('teaches the history every visit that took place, with what it is part of', () => {
    const input = [
      ...stayWith(),
      ...entries(
        visit(
          'V9',
          at('2016-03-01T08:00:00-05:00', 'EMER', { partOf: { reference: ENCOUNTER_URL } }),
        ),
        visit('V8', at('2016-01-05', 'AMB', { status: 'cancelled' })),
      ),
    ];
    expect(mapForTest(input).historyToKeep[0].visits).toEqual([
      {
        visitKey: 'encounter:VN-1001',
        kind: 'inpatient',
        startedAt: Date.parse('2016-03-01T15:00:00Z'),
      },
      {
        visitKey: 'encounter:V9',
        kind: 'emergency',
        startedAt: Date.parse('2016-03-01T13:00:00Z'),
        partOf: 'encounter:VN-1001',
      },
    ]);
  });
});
