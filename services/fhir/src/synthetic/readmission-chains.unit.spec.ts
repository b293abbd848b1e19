import type { ReadmissionClass } from '@readmit/contracts';
import { SeededRandom, UCI_SAMPLE_PROFILE, type EncounterAttributes } from '@readmit/ml';
import { dayOf, wholeYearsAt } from '../export/calendar';
import type { Encounter, Resource } from '../mapping/fhir-r4';
import { validateFhirResource } from '../validation/validate-resource';
import {
  chainReadmissions,
  planChainDates,
  READMISSION_GAP_DAYS,
  type LabelledStayRow,
} from './readmission-chains';
import { syntheticReadmissions } from './synthetic-readmissions';

const DAY_MS = 86_400_000;

let next = 0;
function row(
  outcome: ReadmissionClass | null,
  age = '[60-70)',
  disposition = 1,
  lengthOfStay = 3,
): LabelledStayRow {
  next += 1;
  const encounter = {
    encounter_id: String(next),
    patient_nbr: String(1_000 + next),
    age,
    discharge_disposition_id: disposition,
    time_in_hospital: lengthOfStay,
  } as EncounterAttributes;
  return { index: next, encounter, outcome };
}

const ids = (rows: readonly LabelledStayRow[]) => rows.map((r) => r.encounter.encounter_id);

describe('chainReadmissions', () => {
  it('follows a readmitted row with the next row of its age band, and closes a chain at NO', () => {
    const a = row('WITHIN_30_DAYS');
    const b = row('NO', '[80-90)');
    const c = row('AFTER_30_DAYS');
    const d = row('NO');
    const e = row('NO');
    const chains = chainReadmissions([a, b, c, d, e]);
    expect(chains.map((chain) => ids(chain.rows))).toEqual([ids([a, c, d]), ids([b]), ids([e])]);
    expect(chains.every((chain) => !chain.unmet)).toBe(true);
  });

  it('ends a chain at a death or hospice whatever the label, and marks a readmission the input never brought', () => {
    const died = row('WITHIN_30_DAYS', '[70-80)', 11);
    const after = row('NO', '[70-80)');
    const waiting = row('AFTER_30_DAYS', '[40-50)');
    const chains = chainReadmissions([died, after, waiting]);
    expect(chains.map((chain) => [ids(chain.rows), chain.unmet])).toEqual([
      [ids([died]), false],
      [ids([after]), false],
      [ids([waiting]), true],
    ]);
  });
});

describe('planChainDates', () => {
  const window = { firstDay: dayOf(2001, 1, 1), lastDay: dayOf(2001, 12, 31) };

  it('starts in the window, spaces stays as their labels say and keeps the patient in the band', () => {
    let fitting = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rows = [row('WITHIN_30_DAYS'), row('AFTER_30_DAYS'), row('AFTER_30_DAYS'), row('NO')];
      const dates = planChainDates(rows, window, new SeededRandom(seed));
      expect(dates.stays[0].admissionDay).toBeGreaterThanOrEqual(window.firstDay);
      // The whole chain in the window, or from its first day when longer than the window.
      const last = dates.stays[rows.length - 1].admissionDay;
      if (last > window.lastDay) expect(dates.stays[0].admissionDay).toBe(window.firstDay);
      else fitting += 1;
      for (let k = 0; k + 1 < rows.length; k++) {
        const gap = dates.stays[k + 1].admissionDay - dates.stays[k].dischargeDay;
        const { from, to } =
          READMISSION_GAP_DAYS[rows[k].outcome as 'WITHIN_30_DAYS' | 'AFTER_30_DAYS'];
        expect(gap).toBeGreaterThanOrEqual(from);
        expect(gap).toBeLessThanOrEqual(to);
      }
      for (const stay of dates.stays) {
        const age = wholeYearsAt(dates.birthDay, stay.admissionDay);
        expect(age).toBeGreaterThanOrEqual(60);
        expect(age).toBeLessThan(70);
        expect(stay.fit).not.toBe('age-band-unfit');
      }
    }
    expect(fitting).toBeGreaterThan(20);
  });
});

describe('syntheticReadmissions', () => {
  const window = { firstDay: dayOf(2002, 1, 1), lastDay: dayOf(2003, 12, 31) };
  const made = syntheticReadmissions(UCI_SAMPLE_PROFILE, 1_200, 21, { window });
  const stayEncounters = made.stays.map(({ resources }) =>
    resources.find(
      (resource): resource is Encounter =>
        resource.resourceType === 'Encounter' &&
        resource.identifier?.[0].system === 'urn:readmit:uci:encounter_id',
    ),
  ) as Encounter[];

  it('sends every encounter once, in admission order, each with its Patient', () => {
    expect(made.stays).toHaveLength(1_200);
    expect(made.report).toMatchObject({ rows: 1_200, exported: 1_200, rejected: [] });
    expect(made.report.chains).toBeLessThan(1_200);
    expect(made.report.unmet).toBeLessThanOrEqual(10); // at most one per age band
    const times = made.stays.map((stay) => stay.admittedAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const { resources } of made.stays)
      expect(resources.filter((r: Resource) => r.resourceType === 'Patient')).toHaveLength(1);
    expect(new Set(stayEncounters.map((e) => e.identifier?.[0].value)).size).toBe(1_200);
  });

  it('makes valid FHIR R4', () => {
    for (const { resources } of made.stays.slice(0, 60))
      for (const resource of resources)
        expect(validateFhirResource(resource, resource.resourceType)).toEqual([]);
  });

  it('dates each labelled stay so that its patient next comes back as the label says', () => {
    const byPatient = new Map<string, Encounter[]>();
    for (const encounter of stayEncounters) {
      const patient = encounter.subject?.reference as string;
      byPatient.set(patient, [...(byPatient.get(patient) ?? []), encounter]);
    }
    const gapOf = new Map<string, number | null>();
    for (const stays of byPatient.values())
      stays.forEach((stay, k) => {
        const next = stays[k + 1];
        gapOf.set(
          stay.identifier?.[0].value as string,
          next
            ? Date.parse(next.period?.start as string) - Date.parse(stay.period?.end as string)
            : null,
        );
      });
    const counts: Record<string, number> = {};
    for (const [encounterId, label] of made.expectedLabels) {
      counts[label] = (counts[label] ?? 0) + 1;
      const gap = gapOf.get(encounterId);
      if (label === 'WITHIN_30_DAYS') expect(gap).toBeLessThanOrEqual(30 * DAY_MS);
      if (label === 'WITHIN_30_DAYS') expect(gap).toBeGreaterThan(1 * DAY_MS);
      if (label === 'AFTER_30_DAYS') expect(gap).toBeGreaterThan(30 * DAY_MS);
      if (label === 'AFTER_30_DAYS') expect(gap).toBeLessThanOrEqual(365 * DAY_MS);
      if (label === 'NO') expect(gap).toBeNull();
    }
    // The generator's label mix: about half the stays are readmissions.
    expect(counts.NO).toBeGreaterThan(400);
    expect(counts.AFTER_30_DAYS).toBeGreaterThan(250);
    expect(counts.WITHIN_30_DAYS).toBeGreaterThan(60);
  });

  it('is the same for the same seed', () => {
    const again = syntheticReadmissions(UCI_SAMPLE_PROFILE, 1_200, 21, { window });
    expect(again.stays.map((s) => s.admittedAt)).toEqual(made.stays.map((s) => s.admittedAt));
  });
});
