import { EXAMPLE_EVENTS } from '@readmit/contracts';
import type { EncounterInput } from '../features/encounter-features';
import { binOf, fitReferenceProfile, histogram, SCORE_EDGES } from './reference-profile';

const { envelope: _, recordedAt: __, source: ___, ...base } = EXAMPLE_EVENTS.EncounterRecorded;
const encounter = (changes: Partial<EncounterInput>): EncounterInput => ({ ...base, ...changes });

describe('binOf and histogram', () => {
  it('puts a value equal to an edge on its left, and counts every value once', () => {
    expect(binOf([1, 2, 3], 0)).toBe(0);
    expect(binOf([1, 2, 3], 1)).toBe(0);
    expect(binOf([1, 2, 3], 1.5)).toBe(1);
    expect(binOf([1, 2, 3], 3)).toBe(2);
    expect(binOf([1, 2, 3], 9)).toBe(3);
    expect(histogram('x', [1, 2], [0, 1, 2, 3, 4]).counts).toEqual([2, 1, 2]);
  });
});

describe('fitReferenceProfile', () => {
  const encounters = Array.from({ length: 1_000 }, (_, index) =>
    encounter({
      time_in_hospital: (index % 14) + 1,
      race: index % 5 === 0 ? null : index % 2 === 0 ? 'Caucasian' : 'AfricanAmerican',
      medical_specialty: `Specialty${index % 40}`,
    }),
  );
  const profile = fitReferenceProfile(encounters, [0.05, 0.15, 0.95, 0.5]);

  it('bins numeric inputs at quantiles, every row counted once', () => {
    const time = profile.numeric.find((entry) => entry.name === 'time_in_hospital');
    expect(time?.edges.length).toBe(9);
    expect(time?.counts.reduce((sum, count) => sum + count, 0)).toBe(1_000);
    expect(Math.max(...(time?.counts ?? [])) / 1_000).toBeLessThan(0.2);
    // A constant input has no edges: one bin holds everything.
    expect(profile.numeric.find((entry) => entry.name === 'num_procedures')).toMatchObject({
      edges: [],
      counts: [1_000],
    });
  });

  it('counts categories with missing apart and the rarest folded into (other)', () => {
    const race = profile.categorical.find((entry) => entry.name === 'race');
    expect(race?.counts).toEqual({ '(missing)': 200, Caucasian: 400, AfricanAmerican: 400 });
    const specialty = profile.categorical.find((entry) => entry.name === 'medical_specialty');
    expect(Object.keys(specialty?.counts ?? {})).toHaveLength(31);
    expect(specialty?.counts['(other)']).toBe(250);
  });

  it('keeps the holdout score distribution over ten fixed bins', () => {
    expect(profile.scores?.edges).toEqual(SCORE_EDGES);
    expect(profile.scores?.counts).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });
});
