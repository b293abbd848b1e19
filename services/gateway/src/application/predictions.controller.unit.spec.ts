import { failureResponse } from './predictions.controller';
import { outcomeOf } from './scoring-connection';

describe('what a client hears when scoring cannot answer', () => {
  it('scoring unavailable (its reply or no reply at all): 503 with Retry-After', () => {
    const outcome = outcomeOf({
      ok: false,
      error: 'unavailable',
      message: 'no champion model is serving yet',
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && failureResponse(outcome.failure, 5)).toEqual({
      status: 503,
      body: { message: 'scoring is unavailable, retry later: no champion model is serving yet' },
      headers: { 'Retry-After': '5' },
    });
  });

  it('a request scoring refused as invalid: 400, not to be retried', () => {
    const outcome = outcomeOf({
      ok: false,
      error: 'invalid',
      message: 'the request has no encounters',
    });
    expect(!outcome.ok && failureResponse(outcome.failure, 5)).toEqual({
      status: 400,
      body: {
        message: 'scoring refused the request',
        errors: [{ field: '(body)', message: 'the request has no encounters' }],
      },
      headers: {},
    });
  });

  it('a scored reply passes through', () => {
    const reply = {
      ok: true as const,
      modelName: 'readmission',
      modelVersion: 'v1',
      predictions: [],
      latencyMs: 1,
    };
    expect(outcomeOf(reply)).toEqual({ ok: true, scored: reply });
  });
});
