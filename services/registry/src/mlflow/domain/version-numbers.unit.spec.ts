import { firstDecision, versionRow } from '../testing/version-rows';
import { numberVersions, versionByNumber } from './version-numbers';

const decision = firstDecision;

const numbers = (map: ReturnType<typeof numberVersions>, model = 'readmission') =>
  Object.fromEntries((map.get(model) ?? []).map((version) => [version.version, version.number]));

describe('numberVersions (MLflow version numbers from the decision log)', () => {
  it('numbers a model’s versions 1, 2, … in the order of the first decision naming each', () => {
    const rows = [versionRow('20261123T1015-b'), versionRow('20261120T0900-a'), versionRow('v-c')];
    const decisions = [
      decision('v-c', 40),
      decision('20261120T0900-a', 7),
      decision('20261123T1015-b', 12),
      // a later decision about an earlier version (a promotion) does not move it
      decision('20261120T0900-a', 41),
    ];
    expect(numbers(numberVersions(rows, decisions))).toEqual({
      '20261120T0900-a': 1,
      '20261123T1015-b': 2,
      'v-c': 3,
    });
  });

  it('gives the same numbers whatever order the rows and decisions are read in', () => {
    const rows = ['a', 'b', 'c', 'd'].map((version) => versionRow(version));
    const decisions = [decision('c', 3), decision('a', 9), decision('d', 1), decision('b', 5)];
    const expected = numbers(numberVersions(rows, decisions));
    expect(numbers(numberVersions([...rows].reverse(), [...decisions].reverse()))).toEqual(
      expected,
    );
    expect(expected).toEqual({ d: 1, c: 2, b: 3, a: 4 });
  });

  it('never changes a number when new versions arrive (their first decisions come later on the log)', () => {
    const before = numberVersions(
      [versionRow('a'), versionRow('b')],
      [decision('a', 10), decision('b', 11)],
    );
    const after = numberVersions(
      [versionRow('c'), versionRow('a'), versionRow('b'), versionRow('d')],
      [
        decision('a', 10),
        decision('b', 11),
        decision('d', 30),
        decision('c', 31),
        decision('a', 32),
      ],
    );
    expect(numbers(after)).toMatchObject(numbers(before));
    expect(numbers(after)).toEqual({ a: 1, b: 2, d: 3, c: 4 });
  });

  it('leaves out a version not decided on yet, and decisions about versions without a row', () => {
    const numbered = numberVersions(
      [versionRow('a'), versionRow('waiting')],
      [decision('a', 3), decision('ghost', 1)],
    );
    expect(numbers(numbered)).toEqual({ a: 1 });
  });

  it('numbers each model on its own', () => {
    const rows = [
      versionRow('a'),
      versionRow('x', 'candidate', { modelName: 'readmission-30d' }),
      versionRow('b'),
    ];
    const numbered = numberVersions(rows, [
      decision('x', 1, 'readmission-30d'),
      decision('b', 2),
      decision('a', 3),
    ]);
    expect(numbers(numbered)).toEqual({ b: 1, a: 2 });
    expect(numbers(numbered, 'readmission-30d')).toEqual({ x: 1 });
  });

  it('finds a version by its number, refusing anything but a plain positive integer', () => {
    const versions = numberVersions(
      [versionRow('a'), versionRow('b')],
      [decision('a', 1), decision('b', 2)],
    ).get('readmission')!;
    expect(versionByNumber(versions, '2')?.version).toBe('b');
    for (const odd of ['0', '02', '-1', '1.0', ' 1', 'latest', '3'])
      expect(versionByNumber(versions, odd)).toBeUndefined();
  });
});
