import { UCI_SAMPLE_PROFILE } from '@readmit/ml';
import type { Encounter, Resource } from '../mapping/fhir-r4';
import { validateFhirResource } from '../validation/validate-resource';
import type { UciExportReport } from '../export/export-report';
import type { PatientExport } from '../export/uci-export';
import { syntheticFhirPatients } from './synthetic-fhir';

function drain(patients: Generator<PatientExport, UciExportReport>) {
  const exported: PatientExport[] = [];
  for (;;) {
    const next = patients.next();
    if (next.done) return { exported, report: next.value };
    exported.push(next.value);
  }
}

const isStay = (resource: Resource): resource is Encounter =>
  resource.resourceType === 'Encounter' &&
  resource.identifier?.[0].system === 'urn:readmit:uci:encounter_id';

describe('syntheticFhirPatients', () => {
  const { exported, report } = drain(syntheticFhirPatients(UCI_SAMPLE_PROFILE, 300, 11));

  it('exports every synthetic encounter as an inpatient stay of its patient', () => {
    const stays = exported.flatMap((patient) =>
      patient.stays.flatMap((stay) => stay.resources.filter(isStay)),
    );
    expect(stays).toHaveLength(300);
    expect(report).toMatchObject({ rows: 300, exported: 300, rejected: [] });
    expect(report.patients).toBe(exported.length);
    expect(report.patients).toBeLessThan(300); // some patients come back
    expect(report.resources.Patient).toBe(exported.length);
  });

  it('makes valid FHIR R4', () => {
    for (const patient of exported.slice(0, 40))
      for (const resource of [...patient.patient, ...patient.stays.flatMap((s) => s.resources)])
        expect(validateFhirResource(resource, resource.resourceType)).toEqual([]);
  });

  it('is the same for the same seed and another for another', () => {
    expect(drain(syntheticFhirPatients(UCI_SAMPLE_PROFILE, 300, 11)).exported).toEqual(exported);
    const other = drain(syntheticFhirPatients(UCI_SAMPLE_PROFILE, 300, 12)).exported;
    expect(other[0].patient).not.toEqual(exported[0].patient);
  });

  it('counts the synthetic rows that contradict themselves instead of hiding them', () => {
    // Columns drawn independently: Up with change = No, drugs with diabetesMed = No, and a
    // returning patient's age band drawn afresh (younger than before at a later encounter).
    expect(report.approximations['change-contradicts-doses']).toBeGreaterThan(0);
    expect(report.approximations['diabetes-med-contradicts-orders']).toBeGreaterThan(0);
    expect(report.approximations['age-band-unfit']).toBeGreaterThan(0);
    expect(report.datesUnfit).toBe(report.approximations['age-band-unfit']);
  });
});
