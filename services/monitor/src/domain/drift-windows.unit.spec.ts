import { EXAMPLE_EVENTS } from '@readmit/contracts';
import type { EncounterInput } from '@readmit/ml';
import { DriftWindows, type WindowedModel } from './drift-windows';

const encounter: EncounterInput = EXAMPLE_EVENTS.EncounterRecorded;
const v1: WindowedModel = { modelName: 'readmission', version: 'v1', target: 'within-30-days' };
const v2: WindowedModel = { ...v1, version: 'v2', target: 'any' };

/** Encounters are keyed by their pseudonyms: opaque text to the windows. */
const key = (id: number) => `enc_${id}`;

const prediction = (encounterId: number, score: number, modelVersion = 'v1', time = 1_000) => ({
  encounterId: key(encounterId),
  modelName: 'readmission',
  modelVersion,
  score,
  time,
});

function windows(rows = 3, slide = rows, maxPending = 100) {
  return new DriftWindows('readmission', { rows, slide }, maxPending);
}

describe('DriftWindows', () => {
  it('drops encounters and predictions while there is no champion, and says why', () => {
    const subject = windows();
    expect(subject.addEncounter(encounter, 1).dropped).toBe('no_champion');
    expect(subject.addPrediction(prediction(1, 0.5)).dropped).toBe('no_champion');
    expect(subject.filling).toEqual({ DATA: 0, PREDICTION: 0, PERFORMANCE: 0 });
  });

  it("windows encounters for the champion, bounded by the events' times", () => {
    const subject = windows();
    subject.setChampion(v1);
    subject.addEncounter(encounter, 30);
    subject.addEncounter(encounter, 10);
    const [completed] = subject.addEncounter(encounter, 20).completed;
    expect(completed).toMatchObject({ kind: 'DATA', modelVersion: 'v1' });
    expect(completed.window).toMatchObject({ start: 10, end: 30 });
    expect(completed.window.items).toHaveLength(3);
  });

  it("windows the champion's predictions only: other versions and models are dropped", () => {
    const subject = windows(2);
    subject.setChampion(v1);
    expect(subject.addPrediction(prediction(1, 0.2, 'v0')).dropped).toBe('other_version');
    expect(subject.addPrediction({ ...prediction(2, 0.2), modelName: 'other' }).dropped).toBe(
      'other_model',
    );
    expect(subject.addPrediction(prediction(3, 0.2)).completed).toEqual([]);
    const [completed] = subject.addPrediction(prediction(4, 0.6)).completed;
    expect(completed).toMatchObject({ kind: 'PREDICTION', modelVersion: 'v1' });
    expect(completed.window.items).toEqual([0.2, 0.6]);
  });

  it('refuses a score that is not a probability', () => {
    const subject = windows();
    subject.setChampion(v1);
    expect(subject.addPrediction(prediction(1, Number.NaN)).rejected).toMatch(/probability/);
    expect(subject.addPrediction(prediction(1, 1.5)).rejected).toMatch(/probability/);
  });

  it("labels joined predictions by the champion's target, at the prediction's time", () => {
    const subject = windows(3);
    subject.setChampion(v1); // within 30 days: only <30 is positive
    subject.addOutcome({ encounterId: key(1), readmitted: 'WITHIN_30_DAYS' });
    subject.addPrediction(prediction(1, 0.9, 'v1', 100));
    subject.addPrediction(prediction(2, 0.4, 'v1', 200));
    subject.addOutcome({ encounterId: key(2), readmitted: 'AFTER_30_DAYS' });
    subject.addPrediction(prediction(3, 0.1, 'v1', 300));
    const step = subject.addOutcome({ encounterId: key(3), readmitted: 'NO' });
    const performance = step.completed.find((window) => window.kind === 'PERFORMANCE');
    expect(performance?.window).toEqual({
      items: [
        { label: 1, score: 0.9 },
        { label: 0, score: 0.4 },
        { label: 0, score: 0.1 },
      ],
      start: 100,
      end: 300,
    });
  });

  it('maps any readmission to 1 for a champion trained on that task', () => {
    const subject = windows(1);
    subject.setChampion(v2);
    subject.addPrediction(prediction(1, 0.4, 'v2'));
    const [window] = subject.addOutcome({
      encounterId: key(1),
      readmitted: 'AFTER_30_DAYS',
    }).completed;
    expect(window.window.items).toEqual([{ label: 1, score: 0.4 }]);
  });

  it("keeps pairs of other versions out of the champion's performance window", () => {
    const subject = windows(1);
    subject.setChampion(v2);
    subject.addPrediction(prediction(1, 0.4, 'v1'));
    const step = subject.addOutcome({ encounterId: key(1), readmitted: 'NO' });
    expect(step).toMatchObject({ completed: [], dropped: 'other_version' });
    expect(subject.pendingJoin).toEqual({ predictions: 0, outcomes: 0 });
  });

  it('relabels a row windowed with a derived outcome when the reported outcome comes, while the window holds it', () => {
    const subject = windows(3, 1);
    subject.setChampion(v2); // any readmission is positive
    subject.addPrediction(prediction(1, 0.8, 'v2', 100));
    subject.addOutcome({ encounterId: key(1), readmitted: 'NO', derivation: 'DERIVED' });
    subject.addPrediction(prediction(2, 0.3, 'v2', 200));
    subject.addOutcome({ encounterId: key(2), readmitted: 'NO', derivation: 'DERIVED' });
    // The sender's label for encounter 1: readmitted. A derived one after a reported one is dropped.
    subject.addOutcome({
      encounterId: key(1),
      readmitted: 'AFTER_30_DAYS',
      derivation: 'REPORTED',
    });
    subject.addPrediction(prediction(3, 0.5, 'v2', 300));
    const [window] = subject.addOutcome({ encounterId: key(3), readmitted: 'NO' }).completed;
    expect(window.window.items).toEqual([
      { label: 1, score: 0.8 },
      { label: 0, score: 0.3 },
      { label: 0, score: 0.5 },
    ]);
    expect(
      subject.addOutcome({
        encounterId: key(3),
        readmitted: 'WITHIN_30_DAYS',
        derivation: 'DERIVED',
      }).completed,
    ).toEqual([]);
  });

  it('empties every window when the champion changes, not when it is the same version again', () => {
    const subject = windows(3);
    subject.setChampion(v1);
    subject.addEncounter(encounter, 1);
    subject.addPrediction(prediction(1, 0.5));
    expect(subject.setChampion({ ...v1 })).toBe(false);
    expect(subject.filling).toMatchObject({ DATA: 1, PREDICTION: 1 });
    expect(subject.setChampion(v2)).toBe(true);
    expect(subject.filling).toEqual({ DATA: 0, PREDICTION: 0, PERFORMANCE: 0 });
    // The join survives: a v2 prediction still pairs with an outcome that came before.
    subject.addOutcome({ encounterId: key(7), readmitted: 'NO' });
    expect(subject.pendingJoin.outcomes).toBe(1);
  });

  it('reports outcomes evicted unmatched', () => {
    const subject = windows(3, 3, 2);
    subject.addOutcome({ encounterId: key(1), readmitted: 'NO' });
    subject.addOutcome({ encounterId: key(2), readmitted: 'NO' });
    expect(subject.addOutcome({ encounterId: key(3), readmitted: 'NO' }).evicted).toEqual({
      predictions: 0,
      outcomes: 1,
    });
  });

  it('refuses a champion of another model', () => {
    expect(() => windows().setChampion({ ...v1, modelName: 'other' })).toThrow(
      'monitor readmission',
    );
  });
});
