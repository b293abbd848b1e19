import { EXAMPLE_EVENTS } from '@readmit/contracts';
import { encounterPseudonym } from '../../../../test/support/pseudonyms';
import { failureResponse } from './predictions.controller';
import { featureRowsOutcomeOf, outcomeOf } from './scoring-connection';

const { envelope: _, recordedAt: __, source: ___, ...encounter } = EXAMPLE_EVENTS.EncounterRecorded;
/** Two encounters as the gateway sends them: pseudonyms to scoring, the caller's ids kept. */
const asked = [7, 8].map((id) => ({
  callerEncounterId: id,
  encounter: { ...encounter, encounter_id: encounterPseudonym(id) },
}));

describe('what a client hears when scoring cannot answer', () => {
  it('scoring unavailable (its reply or no reply at all): 503 with Retry-After', () => {
    const outcome = outcomeOf(
      { ok: false, error: 'unavailable', message: 'no champion model is serving yet' },
      asked,
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && failureResponse(outcome.failure, 5)).toEqual({
      status: 503,
      body: { message: 'scoring is unavailable, retry later: no champion model is serving yet' },
      headers: { 'Retry-After': '5' },
    });
  });

  it('a request scoring refused as invalid: 400, not to be retried', () => {
    const outcome = outcomeOf(
      { ok: false, error: 'invalid', message: 'the request has no encounters' },
      asked,
    );
    expect(!outcome.ok && failureResponse(outcome.failure, 5)).toEqual({
      status: 400,
      body: {
        message: 'scoring refused the request',
        errors: [{ field: '(body)', message: 'the request has no encounters' }],
      },
      headers: {},
    });
  });

  it("a scored reply comes back under the caller's own ids, whatever the order", () => {
    const scored = (pseudonym: string, score: number) => ({
      encounter_id: pseudonym,
      score,
      label: score >= 0.5,
      threshold: 0.5,
      contributions: null,
    });
    const reply = {
      ok: true as const,
      modelName: 'readmission',
      modelVersion: 'v1',
      predictions: [scored(encounterPseudonym(8), 0.7), scored(encounterPseudonym(7), 0.2)],
      latencyMs: 1,
    };
    expect(outcomeOf(reply, asked)).toEqual({
      ok: true,
      scored: {
        ...reply,
        predictions: [
          { ...scored('', 0.7), encounter_id: 8 },
          { ...scored('', 0.2), encounter_id: 7 },
        ],
      },
    });
  });

  it('refuses a reply for an encounter it did not ask about', () => {
    const reply = {
      ok: true as const,
      modelName: 'readmission',
      modelVersion: 'v1',
      predictions: [
        {
          encounter_id: encounterPseudonym(9),
          score: 0.1,
          label: false,
          threshold: 0.5,
          contributions: null,
        },
      ],
      latencyMs: 1,
    };
    expect(() => outcomeOf(reply, asked)).toThrow('not asked for');
  });

  it('a model that is not served (a request naming one): 404', () => {
    const outcome = outcomeOf(
      { ok: false, error: 'not_served', message: "model 'other' is not served here" },
      asked,
    );
    expect(!outcome.ok && failureResponse(outcome.failure, 5)).toEqual({
      status: 404,
      body: { message: "model 'other' is not served here" },
      headers: {},
    });
  });

  it('takes feature rows back only in their own order', () => {
    const ids = [7, 8].map((id) => ({
      encounter_id: encounterPseudonym(id),
      patient_nbr: 'pat_AAAAAAAAAAAAAAAAAAAAAA',
    }));
    const rows = { ids, columns: 1, values: [0, 1] };
    const reply = (order: number[]) => ({
      ok: true as const,
      modelName: 'readmission',
      modelVersion: 'v1',
      predictions: order.map((row) => ({
        encounter_id: ids[row].encounter_id,
        score: 0.1,
        label: false,
        threshold: 0.5,
        contributions: null,
      })),
      latencyMs: 1,
    });
    expect(featureRowsOutcomeOf(reply([0, 1]), rows)).toEqual({ ok: true, scored: reply([0, 1]) });
    expect(() => featureRowsOutcomeOf(reply([1, 0]), rows)).toThrow('in their order');
  });
});
