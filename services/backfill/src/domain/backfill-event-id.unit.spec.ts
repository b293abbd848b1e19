import { backfillPredictionId } from './backfill-event-id';

describe('backfill prediction ids', () => {
  it('are UUIDs, the same for the same backfill and encounter, different otherwise', () => {
    const id = backfillPredictionId('b1', 'enc_42');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(backfillPredictionId('b1', 'enc_42')).toBe(id);
    expect(backfillPredictionId('b1', 'enc_43')).not.toBe(id);
    expect(backfillPredictionId('b2', 'enc_42')).not.toBe(id);
  });

  it('stay the same across releases: a resumed backfill repeats the ids of its first run', () => {
    // sha256("backfill-1\u000042") = 95d3ce535ef35597e2bf179385657e0b...
    expect(backfillPredictionId('backfill-1', '42')).toBe('95d3ce53-5ef3-8597-a2bf-179385657e0b');
  });
});
