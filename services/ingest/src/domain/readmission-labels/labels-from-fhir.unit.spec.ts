import { EXAMPLE_EVENTS, type EncounterRecorded } from '@readmit/contracts';
import { syntheticReadmissions } from '@readmit/fhir';
import { UCI_SAMPLE_PROFILE } from '@readmit/ml';
import { readFhirEncounters, validateEntries } from '../fhir/read-fhir-encounters';
import { labellingPolicy } from './labelling-policy';
import { ReadmissionLabeller } from './readmission-labeller';

const DAY_MS = 86_400_000;

/**
 * The demo's FHIR (`readmit demo --format fhir`) carries no labels, only dates: read by the FHIR
 * mapping and fed to the labeller in the order a hospital sends the stays, it must give back the
 * labels the generator drew.
 */
describe('labels derived from synthetic FHIR stays', () => {
  it('the labeller derives the generator’s label for every stay whose label the dates carry', () => {
    const firstDay = Date.UTC(2003, 0, 1) / DAY_MS;
    const made = syntheticReadmissions(UCI_SAMPLE_PROFILE, 1_500, 8, {
      window: { firstDay, lastDay: firstDay + 3 * 365 },
    });
    const entries = made.stays.flatMap((stay, position) =>
      stay.resources.map((resource, at) => ({
        resource,
        location: `stay ${position} resource ${at}`,
        position,
      })),
    );
    // Each stay carries its Patient: one Patient resource per patient is enough for the mapper.
    const seen = new Set<string>();
    const unique = entries.filter(({ resource }) => {
      const key = `${resource.resourceType}/${resource.id ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const read = readFhirEncounters(validateEntries(unique), {
      pseudonymize: (kind, clearId) => `${kind}:${clearId}`,
      mapping: {},
      history: () => ({ visits: [], medicationOrders: [] }),
    });
    expect(read.rows).toHaveLength(1_500);
    const encounters: EncounterRecorded[] = read.rows.map(({ result }) => {
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      const { encounter } = result;
      return {
        ...EXAMPLE_EVENTS.EncounterRecorded,
        encounter_id: encounter.encounter_id,
        patient_nbr: encounter.patient_nbr,
        admittedAt: encounter.admittedAt,
        dischargedAt: encounter.dischargedAt,
        discharge_disposition_id: encounter.discharge_disposition_id,
        admission_source_id: encounter.admission_source_id,
        recordedAt: Date.UTC(2030, 0, 1),
      };
    });
    encounters.sort((a, b) => (a.admittedAt as number) - (b.admittedAt as number));

    const labeller = new ReadmissionLabeller(labellingPolicy(365, 72));
    const derived = new Map<string, string>();
    for (const encounter of encounters) {
      labeller.recordEncounter(encounter);
      for (const label of labeller.takeDue())
        derived.set(label.stay.encounterId.replace(/^encounter:/, ''), label.readmitted);
    }
    // The last year's NO labels wait for time to pass: a stay far later closes them.
    labeller.recordEncounter({
      ...encounters[0],
      encounter_id: 'encounter:later',
      patient_nbr: 'patient:later',
      admittedAt: Date.UTC(2015, 0, 1),
      dischargedAt: Date.UTC(2015, 0, 2),
    });
    for (const label of labeller.takeDue())
      derived.set(label.stay.encounterId.replace(/^encounter:/, ''), label.readmitted);

    const disagreements = [...made.expectedLabels].filter(
      ([encounterId, label]) => derived.get(encounterId) !== label,
    );
    expect(made.expectedLabels.size).toBeGreaterThan(1_200);
    expect(disagreements).toEqual([]);
  });
});
