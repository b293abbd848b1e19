import { EXAMPLE_EVENTS, type OutcomeDerivation, type ReadmissionClass } from '@readmit/contracts';
import type { EncounterInput } from '@readmit/ml';
import { encounterPseudonym, patientPseudonym } from '../../../../test/support/pseudonyms';
import { assembleTrainingSet, patientPosition, splitByPatient } from './training-set';

const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;
const encounter = (id: number, patient = id): EncounterInput => ({
  ...base,
  encounter_id: encounterPseudonym(id),
  patient_nbr: patientPseudonym(patient),
});

describe('assembleTrainingSet (point in time)', () => {
  const encounters = [1, 2, 3, 4].map((id) => ({ encounter: encounter(id), recordedAt: id * 10 }));
  const outcome = (
    encounterId: number,
    value: ReadmissionClass,
    recordedAt: number,
    derivation: OutcomeDerivation = 'REPORTED',
  ) => ({
    encounterId: encounterPseudonym(encounterId),
    outcome: value,
    recordedAt,
    derivation,
  });

  it('joins encounters with the outcomes known at asOf, and nothing later', () => {
    const set = assembleTrainingSet(
      encounters,
      [
        outcome(1, 'NO', 15),
        outcome(2, 'WITHIN_30_DAYS', 100), // known only after asOf
        outcome(3, 'AFTER_30_DAYS', 35),
        outcome(3, 'WITHIN_30_DAYS', 38), // a correction, still before asOf
        outcome(4, 'NO', 41), // its encounter comes after asOf
      ],
      39,
    );
    expect(set.rows.map((row) => [row.encounter.encounter_id, row.outcome])).toEqual([
      [encounterPseudonym(1), 'NO'],
      [encounterPseudonym(3), 'WITHIN_30_DAYS'],
    ]);
    expect(set.unlabelled).toBe(1); // encounter 2
    expect(set.outcomesAfterAsOf).toBe(2);
  });

  it('prefers a reported outcome to a derived one whatever their order, the latest within a kind', () => {
    // Undated stays: the maturity of derived labels (tested below) does not come into it.
    const undated = encounters.map((logged) => ({
      ...logged,
      encounter: { ...logged.encounter, admittedAt: null, dischargedAt: null },
    }));
    const labels = (outcomes: ReturnType<typeof outcome>[]) =>
      assembleTrainingSet(undated, outcomes, 100).rows.map((row) => row.outcome);
    // Derived first, then reported; reported first, then derived.
    expect(labels([outcome(1, 'NO', 20, 'DERIVED'), outcome(1, 'WITHIN_30_DAYS', 30)])).toEqual([
      'WITHIN_30_DAYS',
    ]);
    expect(labels([outcome(1, 'WITHIN_30_DAYS', 20), outcome(1, 'NO', 30, 'DERIVED')])).toEqual([
      'WITHIN_30_DAYS',
    ]);
    // Two of a kind: the later one, a correction.
    expect(
      labels([
        outcome(1, 'NO', 20, 'DERIVED'),
        outcome(1, 'AFTER_30_DAYS', 30, 'DERIVED'),
        outcome(1, 'WITHIN_30_DAYS', 25, 'DERIVED'),
      ]),
    ).toEqual(['AFTER_30_DAYS']);
    expect(labels([outcome(1, 'NO', 40), outcome(1, 'AFTER_30_DAYS', 30)])).toEqual(['NO']);
    // Point in time: a reported outcome after asOf is not known yet, the derived one is.
    expect(
      assembleTrainingSet(
        encounters,
        [outcome(1, 'NO', 20, 'DERIVED'), outcome(1, 'WITHIN_30_DAYS', 200)],
        100,
      ).rows.map((row) => row.outcome),
    ).toEqual(['NO']);
  });

  it('takes stays with derived labels only up to the latest discharge derived NO', () => {
    const DAY = 86_400_000;
    const stay = (id: number, dischargedDay: number) => ({
      encounter: {
        ...encounter(id),
        admittedAt: (dischargedDay - 3) * DAY,
        dischargedAt: dischargedDay * DAY,
      },
      recordedAt: id,
    });
    const undated = {
      encounter: { ...encounter(9), admittedAt: null, dischargedAt: null },
      recordedAt: 9,
    };
    const set = assembleTrainingSet(
      [stay(1, 100), stay(2, 200), stay(3, 300), stay(4, 500), stay(5, 600), stay(6, 700), undated],
      [
        outcome(1, 'AFTER_30_DAYS', 50, 'DERIVED'),
        outcome(2, 'NO', 50, 'DERIVED'), // settled day 200 and everything discharged before
        outcome(3, 'NO', 50, 'DERIVED'), // … and up to day 300
        outcome(4, 'WITHIN_30_DAYS', 50, 'DERIVED'), // its neighbours' NO labels are not due yet
        outcome(5, 'AFTER_30_DAYS', 50, 'DERIVED'),
        outcome(6, 'NO', 50, 'REPORTED'), // a reported label is final whenever it comes
        outcome(9, 'NO', 50, 'DERIVED'),
      ],
      1_000,
    );
    expect(set.rows.map((row) => row.encounter.encounter_id)).toEqual(
      [1, 2, 3, 6, 9].map(encounterPseudonym),
    );
    expect(set.immature).toBe(2);
    // With no derived NO yet, no derived label is mature.
    const early = assembleTrainingSet(
      [stay(1, 100)],
      [outcome(1, 'WITHIN_30_DAYS', 5, 'DERIVED')],
      10,
    );
    expect(early).toMatchObject({ rows: [], immature: 1 });
  });

  it('counts an encounter sent twice once', () => {
    const twice = [...encounters, { encounter: encounter(1), recordedAt: 12 }];
    expect(assembleTrainingSet(twice, [outcome(1, 'NO', 20)], 100).rows).toHaveLength(1);
  });
});

describe('splitByPatient', () => {
  // 3,000 patients with one to three encounters each.
  const rows = Array.from({ length: 3_000 }, (_, patient) =>
    Array.from({ length: (patient % 3) + 1 }, (_, visit) => ({
      encounter: encounter(patient * 10 + visit, 1_000 + patient),
    })),
  ).flat();
  const split = splitByPatient(rows, { validation: 0.15, holdout: 0.15 }, 7);
  const patients = (side: Array<{ encounter: EncounterInput }>) =>
    new Set(side.map((row) => row.encounter.patient_nbr));

  it('puts every encounter of a patient on one side only', () => {
    const train = patients(split.train);
    const validation = patients(split.validation);
    const holdout = patients(split.holdout);
    for (const patient of holdout)
      expect(train.has(patient) || validation.has(patient)).toBe(false);
    for (const patient of validation) expect(train.has(patient)).toBe(false);
    expect(split.train.length + split.validation.length + split.holdout.length).toBe(rows.length);
  });

  it('gives each side about its share of patients', () => {
    expect(patients(split.holdout).size / 3_000).toBeCloseTo(0.15, 1);
    expect(patients(split.validation).size / 3_000).toBeCloseTo(0.15, 1);
  });

  it('is deterministic for a seed, different for another, and stable as data grows', () => {
    expect(splitByPatient(rows, { validation: 0.15, holdout: 0.15 }, 7)).toEqual(split);
    expect(splitByPatient(rows, { validation: 0.15, holdout: 0.15 }, 8).holdout).not.toEqual(
      split.holdout,
    );
    const grown = splitByPatient(
      [...rows, { encounter: encounter(99_999, 99_999) }],
      { validation: 0.15, holdout: 0.15 },
      7,
    );
    expect(grown.holdout.slice(0, split.holdout.length)).toEqual(split.holdout);
    expect(patientPosition(patientPseudonym(1_000), 7)).toBe(
      patientPosition(patientPseudonym(1_000), 7),
    );
  });

  it('places patients by their pseudonym: legacy clear ids too, each in [0, 1)', () => {
    const positions = ['legacy:55629189', patientPseudonym(55629189), 'legacy:1'].map((patient) =>
      patientPosition(patient, 7),
    );
    for (const position of positions) expect(position >= 0 && position < 1).toBe(true);
    expect(new Set(positions).size).toBe(3);
  });

  it('refuses shares that leave nothing to train on or no holdout', () => {
    expect(() => splitByPatient(rows, { validation: 0.5, holdout: 0.5 }, 1)).toThrow('leave rows');
    expect(() => splitByPatient(rows, { validation: 0.1, holdout: 0 }, 1)).toThrow('holdout');
  });
});
