import { EXAMPLE_EVENTS, type EncounterRecorded } from '@readmit/contracts';
import { labellingPolicy } from './labelling-policy';
import { ReadmissionLabeller, type DerivedLabel } from './readmission-labeller';

const DAY = 24 * 3_600_000;
const HOUR = 3_600_000;
/** Day 0 of every story: the index stay's discharge. */
const T0 = Date.UTC(2025, 0, 1);
/** Recorded long after: the guard against future dates stays out of the way. */
const RECORDED = Date.UTC(2030, 0, 1);

/** Encounters and patients are pseudonyms: opaque text to the labeller. */
function encounter(
  id: number,
  patient: number,
  admittedDay: number | null,
  dischargedDay: number | null,
  codes: { disposition?: number; source?: number } = {},
): EncounterRecorded {
  return {
    ...EXAMPLE_EVENTS.EncounterRecorded,
    encounter_id: `enc_${id}`,
    patient_nbr: `pat_${patient}`,
    admittedAt: admittedDay === null ? null : T0 + admittedDay * DAY,
    dischargedAt: dischargedDay === null ? null : T0 + dischargedDay * DAY,
    discharge_disposition_id: codes.disposition ?? 1,
    admission_source_id: codes.source ?? 7,
    recordedAt: RECORDED,
  };
}

/** The index stay of patient 1: admitted 4 days before T0, discharged at T0. */
const index = () => encounter(1, 1, -4, 0);

/** A one-day stay of a patient of its own from `day` on: only moves the watermark. */
let otherId = 1_000;
const clock = (day: number) => {
  otherId += 1;
  return encounter(otherId, otherId, day, day + 1);
};

const labelsOf = (labels: DerivedLabel[]) =>
  labels.map((label) => [label.stay.encounterId, label.readmitted]);

/** Horizon 365 days, lateness 72 hours: the defaults. */
const defaults = () => new ReadmissionLabeller(labellingPolicy(365, 72));

describe('ReadmissionLabeller', () => {
  it('labels a readmission 29 days after discharge WITHIN_30_DAYS at once, before any watermark passes', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    expect(labeller.takeDue()).toEqual([]);
    labeller.recordEncounter(encounter(2, 1, 29, 33));
    const [label] = labeller.takeDue();
    expect(label).toMatchObject({ readmitted: 'WITHIN_30_DAYS', gapMs: 29 * DAY });
    expect(label.stay).toMatchObject({ encounterId: 'enc_1', patient: 'pat_1' });
    expect(labeller.watermark).toBe(T0 + 29 * DAY - 72 * HOUR);
    // Once: more time passes, nothing more for it.
    labeller.recordEncounter(clock(500));
    expect(labelsOf(labeller.takeDue())).toEqual([['enc_2', 'NO']]);
  });

  it('counts exactly 30 days as within 30 days', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(encounter(2, 1, 30, 31));
    expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'WITHIN_30_DAYS']]);
  });

  it('labels a readmission 31 days after discharge AFTER_30_DAYS only once the watermark passes discharge + 30 days', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(encounter(2, 1, 31, 35));
    // The watermark is at day 28: a 29-day admission could still arrive.
    expect(labeller.takeDue()).toEqual([]);
    labeller.recordEncounter(clock(33));
    // Day 30 exactly is not past it (an admission at day 30 would still be within 30 days).
    expect(labeller.takeDue()).toEqual([]);
    labeller.recordEncounter(clock(33.01));
    expect(labeller.takeDue()).toEqual([
      expect.objectContaining({ readmitted: 'AFTER_30_DAYS', gapMs: 31 * DAY }),
    ]);
  });

  it('labels a readmission 400 days after discharge NO at the horizon (365 days)', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(clock(360));
    expect(labeller.takeDue()).toEqual([]);
    // Its arrival moves the watermark to day 397, past the horizon: settled as it comes.
    labeller.recordEncounter(encounter(2, 1, 400, 402));
    const [label] = labeller.takeDue();
    expect(label).toMatchObject({ readmitted: 'NO', gapMs: null });
    expect(label.stay.encounterId).toBe('enc_1');
  });

  it('labels a stay with no readmission NO once the watermark passes discharge + horizon, not before', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(clock(100));
    expect(labeller.takeDue()).toEqual([]);
    labeller.recordEncounter(clock(368)); // watermark at day 365 exactly
    expect(labeller.takeDue()).toEqual([]);
    labeller.recordEncounter(clock(368.5));
    expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'NO']]);
  });

  it('takes the horizon from its policy: 90 days', () => {
    const labeller = new ReadmissionLabeller(labellingPolicy(90, 72));
    labeller.recordEncounter(index());
    labeller.recordEncounter(encounter(2, 1, 95, 96));
    expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'NO']]);
    expect(() => labellingPolicy(30, 72)).toThrow(/over 30 days/);
    expect(() => labellingPolicy(365, -1)).toThrow(/negative/);
  });

  describe('out of order', () => {
    it('within the watermark: a 10-day readmission arriving after a 40-day one still gives WITHIN_30_DAYS, and AFTER_30_DAYS is never emitted', () => {
      const labeller = new ReadmissionLabeller(labellingPolicy(365, 15 * 24));
      labeller.recordEncounter(index());
      labeller.recordEncounter(encounter(3, 1, 40, 42));
      expect(labeller.takeDue()).toEqual([]); // watermark at day 25
      labeller.recordEncounter(encounter(2, 1, 10, 12));
      expect(labelsOf(labeller.takeDue())).toEqual([
        ['enc_1', 'WITHIN_30_DAYS'],
        ['enc_2', 'WITHIN_30_DAYS'],
      ]);
      labeller.recordEncounter(clock(500));
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_3', 'NO']]);
    });

    it('gives the same labels whatever the order of arrival within the lateness', () => {
      const stays = [index(), encounter(2, 1, 29, 30), encounter(3, 1, 31, 33), clock(32)];
      const orders = [
        [0, 1, 2, 3],
        [3, 2, 1, 0],
        [2, 0, 3, 1],
      ];
      for (const order of orders) {
        const labeller = defaults();
        const labels: DerivedLabel[] = [];
        for (const position of order) {
          labeller.recordEncounter(stays[position]);
          labels.push(...labeller.takeDue());
        }
        labeller.recordEncounter(clock(1_000));
        labels.push(...labeller.takeDue());
        expect(Object.fromEntries(labelsOf(labels))).toEqual({
          enc_1: 'WITHIN_30_DAYS',
          enc_2: 'WITHIN_30_DAYS',
          enc_3: 'NO',
          [stays[3].encounter_id]: 'NO',
        });
      }
    });

    it('beyond the watermark: an admission arriving after its stay was labelled is late, and the label stands', () => {
      const labeller = defaults();
      labeller.recordEncounter(index());
      labeller.recordEncounter(encounter(3, 1, 40, 42));
      // Watermark at day 37: past day 30, so the 40-day readmission settles it.
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'AFTER_30_DAYS']]);
      expect(labeller.recordEncounter(encounter(2, 1, 10, 12))).toEqual({
        kind: 'tracked',
        late: true,
        exclusion: null,
      });
      // The late stay is an index stay of its own, readmitted 28 days after it.
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_2', 'WITHIN_30_DAYS']]);
    });

    it('a late stay whose horizon has passed is labelled at once from the admissions held', () => {
      const labeller = defaults();
      labeller.recordEncounter(clock(800));
      labeller.recordEncounter(index());
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'NO']]);
    });
  });

  describe('partitions read at different paces', () => {
    it('a partition with unread messages holds the watermark at its latest admission', () => {
      const labeller = defaults();
      // Partition 1 has a backlog: its index stay is read, its readmission at day 200 not yet.
      labeller.markPartition(1, true);
      labeller.recordEncounter(index(), 1);
      // Partition 0 races ahead by years: the stay in partition 1 must not be closed as NO.
      labeller.recordEncounter(clock(900), 0);
      expect(labeller.watermark).toBe(T0 - 4 * DAY - 72 * HOUR);
      expect(labeller.takeDue()).toEqual([]);
      labeller.recordEncounter(encounter(2, 1, 200, 203), 1);
      labeller.markPartition(1, false);
      // Read to its end: the latest admission of all stands, and both stays are settled.
      expect(labeller.watermark).toBe(T0 + 900 * DAY - 72 * HOUR);
      expect(Object.fromEntries(labelsOf(labeller.takeDue()))).toEqual({
        enc_1: 'AFTER_30_DAYS',
        enc_2: 'NO',
      });
    });

    it('a partition behind that nothing was read from yet holds the watermark where it is', () => {
      const labeller = defaults();
      labeller.recordEncounter(index(), 0);
      const before = labeller.watermark;
      labeller.markPartition(3, true);
      labeller.recordEncounter(clock(900), 0);
      expect(labeller.watermark).toBe(before);
      expect(labeller.takeDue()).toEqual([]);
      // Its first message moves it on to that message's admission, never back.
      labeller.recordEncounter(clock(-100), 3);
      expect(labeller.watermark).toBe(before);
      labeller.recordEncounter(clock(500), 3);
      expect(labeller.watermark).toBe(T0 + 500 * DAY - 72 * HOUR);
      expect(labelsOf(labeller.takeDue())).toContainEqual(['enc_1', 'NO']);
    });

    it('idle partitions (read to their end) hold nothing back', () => {
      const labeller = defaults();
      labeller.markPartition(0, false);
      labeller.markPartition(1, false);
      labeller.recordEncounter(index(), 1);
      labeller.recordEncounter(clock(400), 0);
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'NO']]);
    });
  });

  describe('deaths, hospice and transfers', () => {
    it.each([11, 19, 20, 21])(
      'gives no label to a stay ending in death (disposition %i)',
      (disposition) => {
        const labeller = defaults();
        expect(labeller.recordEncounter(encounter(1, 1, -4, 0, { disposition }))).toMatchObject({
          exclusion: 'expired',
        });
        labeller.recordEncounter(clock(1_000));
        expect(labeller.takeDue()).toEqual([]);
      },
    );

    it.each([13, 14])(
      'gives no label to a stay ending in hospice (disposition %i)',
      (disposition) => {
        const labeller = defaults();
        labeller.recordEncounter(encounter(1, 1, -4, 0, { disposition }));
        labeller.recordEncounter(encounter(2, 1, 10, 12, { disposition: 11 }));
        labeller.recordEncounter(clock(1_000));
        expect(labelsOf(labeller.takeDue())).toEqual([]);
      },
    );

    it('counts a stay ending in death as a readmission of the stay before it', () => {
      const labeller = defaults();
      labeller.recordEncounter(index());
      labeller.recordEncounter(encounter(2, 1, 12, 15, { disposition: 11 }));
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'WITHIN_30_DAYS']]);
    });

    it('takes a transfer out and the transfer in within 24 hours as one episode: the last stay is the index', () => {
      const labeller = defaults();
      // Discharged to another short-term hospital (2), admitted there 3 hours later (source 4).
      expect(labeller.recordEncounter(encounter(1, 1, -4, 0, { disposition: 2 }))).toMatchObject({
        exclusion: 'transferred',
      });
      labeller.recordEncounter(encounter(2, 1, 0.125, 6, { source: 4 }));
      expect(labeller.takeDue()).toEqual([]);
      labeller.recordEncounter(encounter(3, 1, 20, 22));
      // 14 days after the episode's last discharge.
      expect(labeller.takeDue()).toEqual([
        expect.objectContaining({ readmitted: 'WITHIN_30_DAYS', gapMs: 14 * DAY }),
      ]);
      expect(labeller.takeDue()).toEqual([]);
    });

    it('does not count a transfer from a hospital within 24 hours as a readmission of the stay it continues', () => {
      const labeller = defaults();
      labeller.recordEncounter(index());
      labeller.recordEncounter(encounter(2, 1, 0.5, 5, { source: 4 }));
      expect(labelsOf(labeller.takeDue())).toEqual([]);
      // 34 days after the first discharge (not 12 hours), 29 after the continuation's.
      labeller.recordEncounter(encounter(3, 1, 34, 36));
      expect(labelsOf(labeller.takeDue())).toEqual([
        ['enc_1', 'AFTER_30_DAYS'],
        ['enc_2', 'WITHIN_30_DAYS'],
      ]);
    });

    it('counts a transfer from a hospital after 24 hours, and any other admission within 24 hours, as a readmission', () => {
      const late = defaults();
      late.recordEncounter(index());
      late.recordEncounter(encounter(2, 1, 1.5, 4, { source: 4 }));
      expect(labelsOf(late.takeDue())).toEqual([['enc_1', 'WITHIN_30_DAYS']]);
      const emergency = defaults();
      emergency.recordEncounter(index());
      emergency.recordEncounter(encounter(2, 1, 0.5, 4, { source: 7 }));
      expect(labelsOf(emergency.takeDue())).toEqual([['enc_1', 'WITHIN_30_DAYS']]);
    });
  });

  describe('explicit labels', () => {
    it('emits nothing for an encounter whose reported outcome came first', () => {
      const labeller = defaults();
      labeller.recordOutcome('enc_1');
      labeller.recordEncounter(index());
      labeller.recordEncounter(encounter(2, 1, 10, 12));
      expect(labelsOf(labeller.takeDue())).toEqual([]);
    });

    it('emits nothing for an encounter whose reported outcome came after it, before its label was due', () => {
      const labeller = defaults();
      labeller.recordEncounter(index());
      expect(labeller.takeDue()).toEqual([]);
      labeller.recordOutcome('enc_1');
      labeller.recordEncounter(encounter(2, 1, 10, 12));
      expect(labelsOf(labeller.takeDue())).toEqual([]);
    });

    it('emits nothing again for an encounter whose derived outcome it reads back', () => {
      const labeller = defaults();
      labeller.recordEncounter(index());
      labeller.recordEncounter(encounter(2, 1, 10, 12));
      const labels = labeller.takeDue();
      for (const label of labels) labeller.recordOutcome(label.stay.encounterId);
      labeller.recordEncounter(encounter(3, 1, 20, 22));
      expect(labelsOf(labeller.takeDue())).toEqual([['enc_2', 'WITHIN_30_DAYS']]);
    });
  });

  it('ignores encounters without both dates: no label, no watermark', () => {
    const labeller = defaults();
    expect(labeller.recordEncounter(encounter(1, 1, null, null))).toEqual({
      kind: 'ignored',
      reason: 'undated',
    });
    expect(labeller.recordEncounter(encounter(2, 1, 3, null)).kind).toBe('ignored');
    expect(labeller.recordEncounter(encounter(3, 1, null, 3)).kind).toBe('ignored');
    expect(labeller.watermark).toBeNull();
    labeller.recordEncounter(clock(1_000));
    expect(labeller.takeDue()).toEqual([]);
    expect(labeller.heldStays).toBe(1);
  });

  it('ignores a stay discharged more than a day after it was recorded, which would move the watermark for good', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    const future = { ...encounter(2, 2, 3_000, 3_001), recordedAt: T0 + 10 * DAY };
    expect(labeller.recordEncounter(future)).toEqual({ kind: 'ignored', reason: 'future' });
    expect(labeller.takeDue()).toEqual([]);
    expect(labeller.watermark).toBe(T0 - 4 * DAY - 72 * HOUR);
  });

  it('holds an encounter once: a re-sent one is a duplicate and labels nothing twice', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(encounter(2, 1, 10, 12));
    expect(labelsOf(labeller.takeDue())).toEqual([['enc_1', 'WITHIN_30_DAYS']]);
    expect(labeller.recordEncounter(index())).toEqual({ kind: 'ignored', reason: 'duplicate' });
    expect(labeller.takeDue()).toEqual([]);
  });

  it('drops a forgotten patient and never labels them, before or after their encounters arrive', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(encounter(2, 1, 40, 42));
    labeller.forgetPatient('pat_1');
    expect(labeller.heldStays).toBe(0);
    expect(labeller.recordEncounter(encounter(3, 1, 45, 46))).toEqual({
      kind: 'ignored',
      reason: 'forgotten',
    });
    labeller.recordEncounter(clock(1_000));
    const labelled = labelsOf(labeller.takeDue()).map(([id]) => id);
    expect(labelled.filter((id) => ['enc_1', 'enc_2', 'enc_3'].includes(id))).toEqual([]);
  });

  it('keeps the watermark monotone: a late admission or a restored older time never moves it back', () => {
    const labeller = defaults();
    labeller.recordEncounter(clock(50));
    const watermark = labeller.watermark;
    labeller.recordEncounter(clock(10));
    labeller.restoreLatestAdmission(T0);
    expect(labeller.watermark).toBe(watermark);
    labeller.restoreLatestAdmission(T0 + 60 * DAY);
    expect(labeller.latestAdmissionTime).toBe(T0 + 60 * DAY);
  });

  it('rebuilt from the same encounters and the outcomes already written, emits nothing again', () => {
    const stays = [index(), encounter(2, 1, 31, 33), clock(40), encounter(4, 2, 10, 12)];
    const first = defaults();
    const written: DerivedLabel[] = [];
    for (const stay of stays) {
      first.recordEncounter(stay);
      written.push(...first.takeDue());
    }
    expect(labelsOf(written)).toEqual([['enc_1', 'AFTER_30_DAYS']]);
    const rebuilt = defaults();
    rebuilt.restoreLatestAdmission(first.latestAdmissionTime as number);
    for (const stay of [...stays].reverse()) rebuilt.recordEncounter(stay);
    for (const label of written) rebuilt.recordOutcome(label.stay.encounterId);
    expect(rebuilt.takeDue()).toEqual([]);
    rebuilt.recordEncounter(clock(1_000));
    expect(labelsOf(rebuilt.takeDue()).map(([id]) => id)).toEqual(
      expect.arrayContaining(['enc_2', 'enc_4']),
    );
  });

  it('drops a patient whose stays are all settled once their horizon has passed, and keeps their encounters labelled', () => {
    const labeller = defaults();
    labeller.recordEncounter(index());
    labeller.recordEncounter(encounter(2, 1, 10, 12));
    labeller.takeDue();
    expect(labeller.heldStays).toBe(2);
    labeller.recordEncounter(clock(390));
    expect(labelsOf(labeller.takeDue())).toEqual([['enc_2', 'NO']]);
    expect(labeller.heldStays).toBe(1); // only the clock's own stay
    // A re-send of a labelled encounter after the drop gets no second label.
    labeller.recordEncounter(index());
    labeller.recordEncounter(clock(800));
    expect(labelsOf(labeller.takeDue()).map(([id]) => id)).not.toContain('enc_1');
  });
});
