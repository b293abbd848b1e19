import { SeededRandom } from '@readmit/ml';
import { dayOf, partsOf, wholeYearsAt } from './calendar';
import {
  LAST_ICD9_DAY,
  MIN_ADMISSION_SPACING_DAYS,
  planPatientDates,
  type StayToDate,
} from './stay-dates';

const stays = (...bands: string[]): StayToDate[] =>
  bands.map((ageBand, index) => ({ ageBand, lengthOfStay: 1 + (index % 14) }));

const bandOf = (age: number) =>
  age >= 90 ? '[90-100)' : `[${age - (age % 10)}-${age - (age % 10) + 10})`;

describe('wholeYearsAt', () => {
  it('counts a year on the birthday, not before', () => {
    const birth = dayOf(1950, 6, 15);
    expect(wholeYearsAt(birth, dayOf(2000, 6, 14))).toBe(49);
    expect(wholeYearsAt(birth, dayOf(2000, 6, 15))).toBe(50);
  });
});

describe('planPatientDates', () => {
  it('puts one stay in its band, in the UCI years, with a birth date that gives the band', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const band = bandOf(seed % 100);
      const plan = planPatientDates(stays(band), new SeededRandom(seed));
      const [stay] = plan.stays;
      expect(stay.fit).toBe('fits');
      expect(bandOf(wholeYearsAt(plan.birthDay, stay.admissionDay))).toBe(band);
      expect(stay.admissionDay).toBeGreaterThanOrEqual(dayOf(1999, 1, 1));
      expect(stay.dischargeDay).toBeLessThanOrEqual(dayOf(2008, 12, 31));
      expect(stay.lookBackFrom).toBe(stay.admissionDay - 350);
    }
  });

  it('keeps a patient’s admissions 400 days apart, each in its band (nine stays in one band fit)', () => {
    const plan = planPatientDates(stays(...Array(9).fill('[60-70)')), new SeededRandom(7));
    for (const [index, stay] of plan.stays.entries()) {
      expect(stay.fit).toBe('fits');
      expect(bandOf(wholeYearsAt(plan.birthDay, stay.admissionDay))).toBe('[60-70)');
      if (index > 0)
        expect(stay.admissionDay - plan.stays[index - 1].admissionDay).toBeGreaterThanOrEqual(
          MIN_ADMISSION_SPACING_DAYS,
        );
    }
  });

  it('follows the bands across decades', () => {
    const plan = planPatientDates(
      stays('[40-50)', '[50-60)', '[50-60)', '[70-80)'),
      new SeededRandom(3),
    );
    expect(
      plan.stays.map((stay) => bandOf(wholeYearsAt(plan.birthDay, stay.admissionDay))),
    ).toEqual(['[40-50)', '[50-60)', '[50-60)', '[70-80)']);
    expect(plan.stays.every((stay) => stay.fit === 'fits')).toBe(true);
    expect(plan.stays[3].dischargeDay).toBeLessThanOrEqual(LAST_ICD9_DAY);
  });

  it('narrows the spacing when a band holds more stays than 400 days apart allow, and says so', () => {
    const plan = planPatientDates(stays(...Array(12).fill('[30-40)')), new SeededRandom(5));
    const gaps = plan.stays
      .slice(1)
      .map((stay, index) => stay.admissionDay - plan.stays[index].admissionDay);
    expect(Math.min(...gaps)).toBeLessThan(MIN_ADMISSION_SPACING_DAYS);
    expect(plan.stays.map((stay) => stay.fit)).toEqual([
      'fits',
      ...Array(11).fill('spacing-reduced'),
    ]);
    for (const stay of plan.stays)
      expect(bandOf(wholeYearsAt(plan.birthDay, stay.admissionDay))).toBe('[30-40)');
    // Each stay's look-back starts after the stay before it ended.
    for (const [index, stay] of plan.stays.entries())
      if (index > 0) expect(stay.lookBackFrom).toBeGreaterThan(plan.stays[index - 1].dischargeDay);
  });

  it('marks the stays no birth date fits (bands that go down in encounter order)', () => {
    const plan = planPatientDates(stays('[70-80)', '[50-60)'), new SeededRandom(1));
    expect(plan.stays.map((stay) => stay.fit)).toEqual(['fits', 'age-band-unfit']);
    expect(plan.stays[1].admissionDay - plan.stays[0].admissionDay).toBe(
      MIN_ADMISSION_SPACING_DAYS,
    );
  });

  it('ends before ICD-10-CM even when the stays span more than the UCI years', () => {
    const bands = ['[40-50)', '[50-60)', '[60-70)', '[70-80)'].flatMap((band) =>
      Array(4).fill(band),
    );
    const plan = planPatientDates(stays(...bands), new SeededRandom(2));
    expect(plan.stays.every((stay) => stay.fit === 'fits')).toBe(true);
    expect(plan.stays[plan.stays.length - 1].dischargeDay).toBeLessThanOrEqual(LAST_ICD9_DAY);
  });

  it('never gives a birth date of 29 February, and the same plan for the same seed', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const plan = planPatientDates(stays('[0-10)', '[0-10)'), new SeededRandom(seed));
      const birth = partsOf(plan.birthDay);
      expect(birth.month === 2 && birth.dayOfMonth === 29).toBe(false);
      expect(planPatientDates(stays('[0-10)', '[0-10)'), new SeededRandom(seed))).toEqual(plan);
    }
  });
});
