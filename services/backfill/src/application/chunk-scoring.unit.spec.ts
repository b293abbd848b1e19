import { EXAMPLE_EVENTS, type Envelope } from '@readmit/contracts';
import type { DenseMatrix, EncounterInput } from '@readmit/ml';
import { backfillPredictionId } from '../domain/backfill-event-id';
import { scoreChunk, type ChunkOrigin, type ChunkScoringModel } from './chunk-scoring';

/** Scores an encounter id / 10; refuses any run holding an id in `refuses`, as onnxruntime does. */
function modelRefusing(...refuses: number[]): ChunkScoringModel {
  return {
    modelName: 'readmission',
    version: 'v3',
    threshold: 0.25,
    encoder: {
      encodeAll: (inputs: readonly EncounterInput[]): DenseMatrix => ({
        rows: inputs.length,
        columns: 1,
        values: Float32Array.from(inputs, (input) => Number(input.encounter_id)),
      }),
    },
    scorer: {
      score: async (rows: DenseMatrix) => {
        if ([...rows.values].some((id) => refuses.includes(id))) throw new Error('refused');
        return Float32Array.from(rows.values, (id) => id / 10);
      },
    },
  };
}

/** Encounter `id`, named by an id its test model can read back (a stand-in for a pseudonym). */
const encounterAt = (id: number, offset: number) => ({
  event: { ...EXAMPLE_EVENTS.EncounterRecorded, encounter_id: String(id) },
  offset,
});

const request: Envelope = EXAMPLE_EVENTS.EncounterRecorded.envelope;
const origin: ChunkOrigin = {
  backfillId: 'b-1',
  producer: 'readmit-backfill',
  causedBy: request,
  topic: 'p.enc',
  partition: 2,
};

describe('scoreChunk', () => {
  it('predicts each encounter: label by the threshold, source and event id of its own', async () => {
    const refusals: string[] = [];
    const scored = await scoreChunk(
      modelRefusing(),
      [encounterAt(1, 40), encounterAt(3, 41)],
      origin,
      performance.now(),
      (error) => refusals.push(error.message),
    );
    expect(refusals).toEqual([]);
    expect(scored.refused).toBe(0);
    expect(scored.predictions).toHaveLength(2);
    const [low, high] = scored.predictions;
    expect(low).toMatchObject({
      encounter_id: '1',
      label: false,
      threshold: 0.25,
      modelName: 'readmission',
      modelVersion: 'v3',
      sourceTopic: 'p.enc',
      sourcePartition: 2,
      sourceOffset: 40,
      latencyMs: scored.latencyMs,
      contributions: null,
    });
    expect(low.score).toBeCloseTo(0.1);
    expect(high).toMatchObject({ encounter_id: '3', label: true, sourceOffset: 41 });
    expect(low.envelope).toMatchObject({
      eventId: backfillPredictionId('b-1', '1'),
      eventType: 'PredictionMade',
      producer: 'readmit-backfill',
      causationId: request.eventId,
      correlationId: request.correlationId,
    });
    expect(high.envelope.eventId).toBe(backfillPredictionId('b-1', '3'));
    expect(scored.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('leaves out an encounter the model refuses, and counts it', async () => {
    const refusals: string[] = [];
    const scored = await scoreChunk(
      modelRefusing(2),
      [encounterAt(1, 0), encounterAt(2, 1), encounterAt(3, 2)],
      origin,
      performance.now(),
      (error) => refusals.push(error.message),
    );
    expect(refusals).toEqual(['refused']);
    expect(scored.refused).toBe(1);
    expect(scored.predictions.map((prediction) => prediction.encounter_id)).toEqual(['1', '3']);
  });

  it('makes nothing of an empty chunk', async () => {
    const scored = await scoreChunk(modelRefusing(), [], origin, performance.now(), () => {
      throw new Error('not refused');
    });
    expect(scored).toMatchObject({ predictions: [], refused: 0 });
  });
});
