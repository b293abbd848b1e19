import { CSV_COLUMNS } from '@readmit/ml';
import type {
  Bundle,
  Condition,
  Coverage,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
  PractitionerRole,
  Resource,
} from '../mapping/fhir-r4';
import { SYSTEM, US_CORE_ETHNICITY, US_CORE_RACE } from '../mapping/code-systems';
import { translate } from '../mapping/concept-maps/index';
import { validateFhirResource } from '../validation/validate-resource';
import { dayOf, wholeYearsAt } from './calendar';
import { LOCAL_UNMAPPED_SYSTEM, SYSTEMS } from './code-systems';
import { exportUciRows } from './export-uci-rows';
import { exportUciPatient, uciPatientsOf, type UciRecord } from './uci-export';

/** Sample row 149190 of diabetic_data.csv (insulin Up, change Ch), with `changes` over it. */
function row(changes: Partial<Record<(typeof CSV_COLUMNS)[number], string>> = {}): UciRecord {
  const values =
    '149190,55629189,Caucasian,Female,[10-20),?,1,1,7,3,?,?,59,0,18,0,0,0,276,250.01,255,9,None,None,' +
    'No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,No,Up,No,No,No,No,No,Ch,Yes,>30';
  const cells = values.split(',');
  return {
    ...Object.fromEntries(CSV_COLUMNS.map((column, at) => [column, cells[at]])),
    ...changes,
  };
}

const ofType = <T extends Resource>(resources: readonly Resource[], type: T['resourceType']) =>
  resources.filter((resource): resource is T => resource.resourceType === type);

function stayOf(record: UciRecord): Resource[] {
  const { patients } = uciPatientsOf([record]);
  const exported = exportUciPatient(patients[0]);
  return [...exported.patient, ...exported.stays[0].resources];
}

const encounterOf = (resources: readonly Resource[]) =>
  ofType<Encounter>(resources, 'Encounter').find((encounter) =>
    encounter.identifier?.some((identifier) => identifier.system === SYSTEMS.encounterId),
  ) as Encounter;

const codeOf = (concept: { coding?: { system?: string; code?: string }[] } | undefined) =>
  concept?.coding?.[0];

/** Daily dose of a request: doseQuantity × frequency (per day). */
const dailyDose = (request: MedicationRequest) => {
  const dosage = request.dosageInstruction?.[0];
  return (
    (dosage?.doseAndRate?.[0]?.doseQuantity?.value ?? NaN) *
    (dosage?.timing?.repeat?.frequency ?? NaN)
  );
};
const nameOf = (request: MedicationRequest) =>
  request.medicationCodeableConcept?.coding?.[0]?.code ?? request.medicationCodeableConcept?.text;
const inStay = (request: MedicationRequest) => request.encounter !== undefined;

describe('exportUciRows: one row', () => {
  const resources = stayOf(
    row({
      weight: '[75-100)',
      medical_specialty: 'Cardiology',
      num_lab_procedures: '12',
      num_procedures: '3',
      A1Cresult: '>8',
      max_glu_serum: '>200',
      number_outpatient: '2',
      number_emergency: '1',
      number_inpatient: '3',
      payer_code: 'MC',
    }),
  );
  const encounter = encounterOf(resources);

  it('makes resources that pass FHIR R4 validation', () => {
    for (const resource of resources)
      expect(validateFhirResource(resource, resource.resourceType)).toEqual([]);
  });

  it('names the patient and the visit by the table’s identifiers', () => {
    const [patient] = ofType<Patient>(resources, 'Patient');
    expect(patient.identifier).toEqual([
      expect.objectContaining({
        system: SYSTEMS.patientNbr,
        value: '55629189',
        type: { coding: [{ system: SYSTEM.identifierType, code: 'MR' }] },
      }),
    ]);
    expect(encounter.identifier?.[0]).toMatchObject({
      system: SYSTEMS.encounterId,
      value: '149190',
      type: { coding: [{ code: 'VN' }] },
    });
    expect(encounter).toMatchObject({ status: 'finished', class: { code: 'IMP' } });
  });

  it('dates the stay: time_in_hospital calendar days, at an age in the row’s band', () => {
    const start = encounter.period?.start as string;
    const end = encounter.period?.end as string;
    const day = (instant: string) =>
      dayOf(Number(instant.slice(0, 4)), Number(instant.slice(5, 7)), Number(instant.slice(8, 10)));
    expect(day(end) - day(start)).toBe(3);
    expect(end < '2015-10-01').toBe(true);
    const [patient] = ofType<Patient>(resources, 'Patient');
    const age = wholeYearsAt(day(patient.birthDate as string), day(start));
    expect(age >= 10 && age < 20).toBe(true);
  });

  it('counts: lab results, procedures, prior visits by class, diagnoses', () => {
    const observations = ofType<Observation>(resources, 'Observation');
    const labs = observations.filter((o) => o.category?.[0].coding?.[0].code === 'laboratory');
    expect(labs).toHaveLength(12);
    expect(labs.every((lab) => lab.status === 'final' && lab.encounter)).toBe(true);
    const a1c = labs.filter((lab) => codeOf(lab.code)?.code === '4548-4');
    expect(a1c.map((lab) => lab.valueQuantity?.value)).toEqual([expect.any(Number)]);
    expect(a1c[0].valueQuantity?.value).toBeGreaterThan(8);
    const glucose = labs.filter((lab) => codeOf(lab.code)?.code === '2345-7');
    expect(glucose[0].valueQuantity?.value).toBeGreaterThan(200);
    expect(glucose[0].valueQuantity?.value).toBeLessThanOrEqual(300);

    const weight = observations.filter((o) => codeOf(o.code)?.code === '29463-7');
    expect(weight).toHaveLength(1);
    expect(weight[0].category?.[0].coding?.[0].code).toBe('vital-signs');
    const pounds = (weight[0].valueQuantity?.value as number) / 0.45359237;
    expect(pounds >= 75 && pounds < 100).toBe(true);

    expect(ofType(resources, 'Procedure')).toHaveLength(3);

    const visits = ofType<Encounter>(resources, 'Encounter').filter((e) => e !== encounter);
    expect(visits.map((visit) => visit.class.code).sort()).toEqual(
      ['AMB', 'AMB', 'EMER', 'IMP', 'IMP', 'IMP'].sort(),
    );
    const admitted = encounter.period?.start as string;
    const yearBefore = new Date(Date.parse(admitted) - 365 * 86_400_000).toISOString();
    for (const visit of visits) {
      expect(visit.status).toBe('finished');
      expect(visit.diagnosis).toBeUndefined();
      expect((visit.period?.start as string) > yearBefore).toBe(true);
      expect((visit.period?.end as string) < admitted).toBe(true);
    }

    expect(encounter.diagnosis?.map((diagnosis) => diagnosis.rank)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const codes = ofType<Condition>(resources, 'Condition')
      .filter((c) => c.category?.[0].coding?.[0].code === 'encounter-diagnosis')
      .map((condition) => codeOf(condition.code));
    expect(codes.slice(0, 3)).toEqual([
      { system: SYSTEM.icd9cm, code: '276' },
      { system: SYSTEM.icd9cm, code: '250.01' },
      { system: SYSTEM.icd9cm, code: '255' },
    ]);
    expect(new Set(codes.map((code) => code?.code)).size).toBe(9);
  });

  it('puts the diabetes on the problem list before the stay', () => {
    const problem = ofType<Condition>(resources, 'Condition').find(
      (condition) => condition.category?.[0].coding?.[0].code === 'problem-list-item',
    ) as Condition;
    expect(codeOf(problem.code)).toMatchObject({ system: SYSTEM.icd9cm, code: '250.00' });
    expect(problem.clinicalStatus?.coding?.[0].code).toBe('active');
    expect((problem.recordedDate as string) < (encounter.period?.start as string)).toBe(true);
  });

  it('names the admitter’s specialty by its NUCC code, and the payer as a Coverage', () => {
    const [role] = ofType<PractitionerRole>(resources, 'PractitionerRole');
    expect(codeOf(role.specialty?.[0])).toMatchObject({ system: SYSTEM.nucc, code: '207RC0000X' });
    expect(encounter.participant?.[0]).toMatchObject({
      type: [{ coding: [{ code: 'ADM' }] }],
      individual: { reference: `PractitionerRole/${role.id}` },
    });
    const [coverage] = ofType<Coverage>(resources, 'Coverage');
    const type = codeOf(coverage.type);
    expect(translate('payer', type?.system, type?.code)).toBe('MC');
    expect((coverage.period?.start as string) < (encounter.period?.start as string)).toBe(true);
  });

  it('sends a specialty no NUCC code names as text', () => {
    const [role] = ofType<PractitionerRole>(
      stayOf(row({ medical_specialty: 'Surgery-Cardiovascular' })),
      'PractitionerRole',
    );
    expect(role.specialty).toEqual([{ text: 'Surgery-Cardiovascular' }]);
  });
});

describe('exportUciRows: race and ethnicity', () => {
  const extensionsOf = (race: string) =>
    ofType<Patient>(stayOf(row({ race })), 'Patient')[0].extension ?? [];

  it('sends Hispanic as the US Core ethnicity, the others as race, Other as a detailed race', () => {
    expect(extensionsOf('Hispanic')).toEqual([
      expect.objectContaining({
        url: US_CORE_ETHNICITY,
        extension: expect.arrayContaining([
          { url: 'ombCategory', valueCoding: expect.objectContaining({ code: '2135-2' }) },
        ]),
      }),
    ]);
    const race = (value: string) => extensionsOf(value)[0]?.extension?.[0];
    expect(race('Caucasian')).toMatchObject({
      url: 'ombCategory',
      valueCoding: { code: '2106-3' },
    });
    expect(race('AfricanAmerican')).toMatchObject({ valueCoding: { code: '2054-5' } });
    expect(race('Asian')).toMatchObject({ valueCoding: { code: '2028-9' } });
    expect(race('Other')).toMatchObject({ url: 'detailed', valueCoding: { code: '2131-1' } });
    expect(extensionsOf('Other')[0].url).toBe(US_CORE_RACE);
    expect(extensionsOf('?')).toEqual([]);
  });
});

describe('exportUciRows: admission and discharge ids', () => {
  const encounterFor = (changes: Parameters<typeof row>[0]) => encounterOf(stayOf(row(changes)));

  it('leaves the element out for the NULL ids', () => {
    const encounter = encounterFor({
      admission_type_id: '6',
      admission_source_id: '17',
      discharge_disposition_id: '18',
    });
    expect(encounter.priority).toBeUndefined();
    expect(encounter.hospitalization).toBeUndefined();
  });

  it('sends a local code no table holds for the Not Mapped ids', () => {
    const encounter = encounterFor({
      admission_type_id: '8',
      admission_source_id: '20',
      discharge_disposition_id: '25',
    });
    for (const concept of [
      encounter.priority,
      encounter.hospitalization?.admitSource,
      encounter.hospitalization?.dischargeDisposition,
    ])
      expect(codeOf(concept)?.system).toBe(LOCAL_UNMAPPED_SYSTEM);
  });

  it('sends NUBC codes where they exist, v3-NullFlavor UNK for Unknown/Invalid', () => {
    const encounter = encounterFor({
      admission_type_id: '5',
      admission_source_id: '21',
      discharge_disposition_id: '6',
    });
    expect(codeOf(encounter.priority)).toMatchObject({ system: SYSTEM.nubcPriority, code: '9' });
    expect(codeOf(encounter.hospitalization?.admitSource)).toMatchObject({
      system: SYSTEM.nullFlavor,
      code: 'UNK',
    });
    expect(codeOf(encounter.hospitalization?.dischargeDisposition)).toMatchObject({
      system: SYSTEM.nubcDischargeStatus,
      code: '06',
    });
  });
});

describe('exportUciRows: medications', () => {
  const ordersOf = (changes: Parameters<typeof row>[0]) =>
    ofType<MedicationRequest>(stayOf(row(changes)), 'MedicationRequest');
  const byName = (requests: MedicationRequest[], name: string) =>
    requests.filter((request) => nameOf(request) === name);
  const METFORMIN = '6809';
  const GLIPIZIDE = '4821';
  const GLARGINE = '274783';

  it('counts distinct generics in the stay up to num_medications', () => {
    const orders = ordersOf({ num_medications: '18' }).filter(inStay);
    expect(new Set(orders.map(nameOf)).size).toBe(18);
    expect(orders.every((order) => order.status === 'completed' && order.intent === 'order')).toBe(
      true,
    );
  });

  it('gives Up a lower previous dose, Down a higher one, Steady the same, all in the year before', () => {
    const orders = ordersOf({ metformin: 'Steady', glipizide: 'Down', insulin: 'Up' });
    for (const [code, relation] of [
      [METFORMIN, 'same'],
      [GLIPIZIDE, 'higher'],
      [GLARGINE, 'lower'],
    ] as const) {
      const [now, before] = [...byName(orders, code)].sort((a) => (inStay(a) ? -1 : 1));
      expect(inStay(before)).toBe(false);
      expect(before.status).toBe('active');
      const previous = dailyDose(before);
      const current = dailyDose(now);
      expect(
        relation === 'same'
          ? previous === current
          : relation === 'higher'
            ? previous > current
            : previous < current,
      ).toBe(true);
      expect(before.authoredOn! < now.authoredOn!).toBe(true);
    }
  });

  it('change without a dose change: the first Steady drug is new (no previous order)', () => {
    const orders = ordersOf({
      metformin: 'Steady',
      glipizide: 'Steady',
      insulin: 'No',
      change: 'Ch',
    });
    expect(byName(orders, METFORMIN).filter((order) => !inStay(order))).toEqual([]);
    expect(byName(orders, GLIPIZIDE).filter((order) => !inStay(order))).toHaveLength(1);
  });

  it('change with nothing ordered: a drug stopped (an active previous order, none in the stay)', () => {
    const orders = ordersOf({ insulin: 'No', change: 'Ch', diabetesMed: 'No' });
    const metformin = byName(orders, METFORMIN);
    expect(metformin.map((order) => [order.status, inStay(order)])).toEqual([['active', false]]);
    expect(orders.filter(inStay).map(nameOf)).not.toContain(METFORMIN);
  });

  it('no change: every drug has a previous order at the same dose, nothing stopped', () => {
    const orders = ordersOf({ metformin: 'Steady', insulin: 'Steady', change: 'No' });
    const previous = orders.filter((order) => !inStay(order));
    expect(previous.map(nameOf).sort()).toEqual([GLARGINE, METFORMIN].sort());
  });

  it('sends a combination by its ingredient names, as text', () => {
    const orders = ordersOf({ 'glyburide-metformin': 'Steady' }).filter(inStay);
    expect(orders.map((order) => order.medicationCodeableConcept)).toContainEqual({
      text: 'glyburide / metformin',
    });
  });
});

describe('exportUciRows: a patient with several stays', () => {
  const records = [
    row({ encounter_id: '300', age: '[60-70)', race: 'Caucasian' }),
    row({ encounter_id: '100', age: '[50-60)', race: 'Caucasian' }),
    row({ encounter_id: '200', age: '[60-70)', race: 'AfricanAmerican' }),
  ];
  const exported = exportUciRows(records);

  it('makes one Patient, and dates the stays 400 days apart in encounter order, each in its band', () => {
    const patients = exported.resourcesByType.get('Patient') as Patient[];
    expect(patients).toHaveLength(1);
    const stays = (exported.resourcesByType.get('Encounter') as Encounter[]).filter(
      (encounter) => encounter.identifier?.[0].system === SYSTEMS.encounterId,
    );
    const starts = new Map(
      stays.map((stay) => [stay.identifier?.[0].value, stay.period?.start as string]),
    );
    const day = (id: string) => Math.floor(Date.parse(starts.get(id) as string) / 86_400_000);
    expect(day('200') - day('100')).toBeGreaterThanOrEqual(400);
    expect(day('300') - day('200')).toBeGreaterThanOrEqual(400);
    const birth = Math.floor(Date.parse(patients[0].birthDate as string) / 86_400_000);
    expect(Math.floor(wholeYearsAt(birth, day('100')) / 10)).toBe(5);
    expect(Math.floor(wholeYearsAt(birth, day('200')) / 10)).toBe(6);
    expect(Math.floor(wholeYearsAt(birth, day('300')) / 10)).toBe(6);
  });

  it('reports the row whose race the Patient cannot carry', () => {
    expect(exported.report).toMatchObject({ rows: 3, exported: 3, patients: 1, datesUnfit: 0 });
    expect(exported.report.approximations['race-differs-from-patient']).toBe(1);
  });

  it('gives the same FHIR for the same rows and seed, other dates for another seed', () => {
    expect(exportUciRows(records)).toEqual(exported);
    const other = exportUciRows(records, { seed: 2 });
    expect(other.resourcesByType.get('Patient')).not.toEqual(
      exported.resourcesByType.get('Patient'),
    );
  });
});

describe('exportUciRows: bundles and the report', () => {
  const records = [row(), row({ encounter_id: '12', patient_nbr: '77' })];

  it('makes one collection bundle per patient, references by urn:uuid fullUrl', () => {
    const { bundles } = exportUciRows(records);
    expect(bundles).toHaveLength(2);
    const [bundle] = bundles;
    expect(bundle.type).toBe('collection');
    const fullUrls = new Set(bundle.entry?.map((entry) => entry.fullUrl));
    expect([...fullUrls].every((url) => /^urn:uuid:[0-9a-f-]{36}$/.test(url ?? ''))).toBe(true);
    const encounter = bundle.entry?.find((entry) => entry.resource?.resourceType === 'Encounter')
      ?.resource as Encounter;
    expect(fullUrls.has(encounter.subject?.reference)).toBe(true);
    expect(validateFhirResource(bundle, 'Bundle')).toEqual([]);
  });

  it('makes transactions per encounter: POSTs, the Patient only if none has its number', () => {
    const { bundles } = exportUciRows(records, {
      bundleScope: 'encounter',
      bundleType: 'transaction',
    });
    const bundle = bundles[0] as Bundle;
    expect(bundle.type).toBe('transaction');
    expect(validateFhirResource(bundle, 'Bundle')).toEqual([]);
    for (const entry of bundle.entry ?? []) {
      expect(entry.request?.method).toBe('POST');
      expect(entry.resource?.id).toBeUndefined();
    }
    expect(bundle.entry?.[0].request).toEqual({
      method: 'POST',
      url: 'Patient',
      ifNoneExist: `identifier=${SYSTEMS.patientNbr}|55629189`,
    });
  });

  it('leaves out rows the row rules refuse, and says which', () => {
    const { report } = exportUciRows([row(), row({ encounter_id: '5', age: '[100-110)' })]);
    expect(report).toMatchObject({ rows: 2, exported: 1 });
    expect(report.rejected).toEqual([
      { index: 1, errors: [expect.objectContaining({ field: 'age' })] },
    ]);
  });
});
