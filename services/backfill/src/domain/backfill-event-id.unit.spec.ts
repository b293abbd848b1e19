import { backfillPredictionId } from './backfill-event-id';

describe('backfill prediction ids', () => {
  it('are UUIDs, the same for the same backfill and encounter, different otherwise', () => {
    const id = backfillPredictionId('b1', 42);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(backfillPredictionId('b1', 42)).toBe(id);
    expect(backfillPredictionId('b1', 43)).not.toBe(id);
    expect(backfillPredictionId('b2', 42)).not.toBe(id);
  });
});
