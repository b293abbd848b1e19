import { OutcomeJoin } from './outcome-join';

/** Encounters are keyed by their pseudonyms: opaque text to the join. */
const key = (id: number) => `enc_${id}`;

const prediction = (score: number, modelVersion = 'v1', time = 1_000) => ({
  modelVersion,
  score,
  time,
});

describe('OutcomeJoin', () => {
  it('pairs an outcome with the prediction that came before it', () => {
    const join = new OutcomeJoin(10);
    expect(join.addPrediction(key(1), prediction(0.7)).joined).toBeNull();
    expect(join.addOutcome(key(1), 'WITHIN_30_DAYS').joined).toEqual({
      ...prediction(0.7),
      readmitted: 'WITHIN_30_DAYS',
      derivation: 'REPORTED',
    });
    expect(join.pendingPredictions).toBe(0);
  });

  it('pairs a prediction with the outcome that came before it', () => {
    const join = new OutcomeJoin(10);
    expect(join.addOutcome(key(2), 'NO').joined).toBeNull();
    expect(join.addPrediction(key(2), prediction(0.2, 'v2', 5)).joined).toEqual({
      ...prediction(0.2, 'v2', 5),
      readmitted: 'NO',
      derivation: 'REPORTED',
    });
    expect(join.pendingOutcomes).toBe(0);
  });

  it('pairs each encounter once: a later outcome of a paired encounter waits anew', () => {
    const join = new OutcomeJoin(10);
    join.addPrediction(key(3), prediction(0.4));
    expect(join.addOutcome(key(3), 'NO').joined).not.toBeNull();
    expect(join.addOutcome(key(3), 'AFTER_30_DAYS').joined).toBeNull();
    expect(join.pendingOutcomes).toBe(1);
  });

  it('keeps the newest prediction of a waiting encounter, and the corrected outcome', () => {
    const join = new OutcomeJoin(10);
    join.addPrediction(key(4), prediction(0.1, 'v1'));
    join.addPrediction(key(4), prediction(0.9, 'v2'));
    expect(join.addOutcome(key(4), 'NO').joined).toMatchObject({ modelVersion: 'v2', score: 0.9 });
    join.addOutcome(key(5), 'NO');
    join.addOutcome(key(5), 'WITHIN_30_DAYS');
    expect(join.addPrediction(key(5), prediction(0.5)).joined?.readmitted).toBe('WITHIN_30_DAYS');
  });

  it('evicts the oldest waiting entry past its bound, and says how many', () => {
    const join = new OutcomeJoin(3);
    for (const id of [1, 2, 3]) expect(join.addOutcome(key(id), 'NO').evicted.outcomes).toBe(0);
    expect(join.addOutcome(key(4), 'NO').evicted).toEqual({ predictions: 0, outcomes: 1 });
    expect(join.pendingOutcomes).toBe(3);
    // Encounter 1 was the oldest: its prediction now waits instead of pairing.
    expect(join.addPrediction(key(1), prediction(0.3)).joined).toBeNull();
    expect(join.addPrediction(key(2), prediction(0.3)).joined).not.toBeNull();
    for (const id of [10, 11, 12]) join.addPrediction(key(id), prediction(0.5));
    expect(join.pendingPredictions).toBe(3);
  });

  it('counts a replaced entry as young again, so it is evicted last', () => {
    const join = new OutcomeJoin(2);
    join.addOutcome(key(1), 'NO');
    join.addOutcome(key(2), 'NO');
    join.addOutcome(key(1), 'WITHIN_30_DAYS');
    join.addOutcome(key(3), 'NO');
    expect(join.addPrediction(key(2), prediction(0.5)).joined).toBeNull();
    expect(join.addPrediction(key(1), prediction(0.5)).joined?.readmitted).toBe('WITHIN_30_DAYS');
  });

  describe('reported outcomes beat derived ones, whatever the order', () => {
    it('keeps a waiting reported outcome when a derived one comes after it', () => {
      const join = new OutcomeJoin(10);
      join.addOutcome(key(1), 'WITHIN_30_DAYS');
      expect(join.addOutcome(key(1), 'NO', 'DERIVED')).toMatchObject({ joined: null });
      expect(join.addPrediction(key(1), prediction(0.6)).joined).toMatchObject({
        readmitted: 'WITHIN_30_DAYS',
        derivation: 'REPORTED',
      });
    });

    it('replaces a waiting derived outcome by a reported one, and a derived one by a later derived one', () => {
      const join = new OutcomeJoin(10);
      join.addOutcome(key(1), 'NO', 'DERIVED');
      join.addOutcome(key(1), 'AFTER_30_DAYS', 'DERIVED');
      expect(join.addPrediction(key(1), prediction(0.6)).joined?.readmitted).toBe('AFTER_30_DAYS');
      join.addOutcome(key(2), 'NO', 'DERIVED');
      join.addOutcome(key(2), 'WITHIN_30_DAYS');
      expect(join.addPrediction(key(2), prediction(0.6)).joined).toMatchObject({
        readmitted: 'WITHIN_30_DAYS',
        derivation: 'REPORTED',
      });
    });

    it('drops a derived outcome for an encounter already paired with a reported one', () => {
      const join = new OutcomeJoin(10);
      join.addPrediction(key(1), prediction(0.6));
      join.addOutcome(key(1), 'WITHIN_30_DAYS');
      expect(join.addOutcome(key(1), 'NO', 'DERIVED')).toEqual({
        joined: null,
        corrected: null,
        evicted: { predictions: 0, outcomes: 0 },
      });
      expect(join.pendingOutcomes).toBe(0);
    });

    it('corrects a pair made with a derived outcome when the reported one comes', () => {
      const join = new OutcomeJoin(10);
      join.addPrediction(key(1), prediction(0.6));
      expect(join.addOutcome(key(1), 'NO', 'DERIVED').joined).toMatchObject({
        readmitted: 'NO',
        derivation: 'DERIVED',
      });
      const step = join.addOutcome(key(1), 'WITHIN_30_DAYS');
      expect(step.joined).toBeNull();
      expect(step.corrected).toEqual({
        pair: { ...prediction(0.6), readmitted: 'WITHIN_30_DAYS', derivation: 'REPORTED' },
        derived: 'NO',
      });
      // Corrected once: a derived outcome after it is dropped, a reported one waits anew.
      expect(join.addOutcome(key(1), 'AFTER_30_DAYS', 'DERIVED').corrected).toBeNull();
      expect(join.addOutcome(key(1), 'AFTER_30_DAYS').corrected).toBeNull();
      expect(join.pendingOutcomes).toBe(1);
    });
  });
});
