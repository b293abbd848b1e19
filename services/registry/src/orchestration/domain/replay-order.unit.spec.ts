import type { Envelope } from '@readmit/contracts';
import { mergeByEventTime, placeOwnRequests, replayOrder } from './replay-order';
import type { LoggedSignal, RetrainingEntry } from './retraining-entry';

const T0 = Date.UTC(2026, 0, 1);
const positions = new Map<string, number>();

function entry(
  topic: string,
  signal: LoggedSignal,
  ownRequest: readonly string[] | null = null,
): RetrainingEntry {
  const offset = positions.get(topic) ?? 0;
  positions.set(topic, offset + 1);
  const eventId = 'eventId' in signal ? signal.eventId : `e-${signal.runId}`;
  return {
    position: { topic, partition: 0, offset: String(offset) },
    signal,
    envelope: { eventId, occurredAt: signal.at } as Envelope,
    ownRequest: ownRequest === null ? null : { triggeredBy: ownRequest },
  };
}
const batch = (id: string, seconds: number) =>
  entry('ml.batches', { type: 'BatchArrived', eventId: id, at: T0 + seconds * 1000 });
const drift = (id: string, seconds: number) =>
  entry('ml.drift', {
    type: 'DriftDetected',
    eventId: id,
    at: T0 + seconds * 1000,
    severity: 'HIGH',
  });
const requested = (runId: string, seconds: number, triggeredBy: string[] | null = null) =>
  entry('ml.training', { type: 'TrainingRequested', runId, at: T0 + seconds * 1000 }, triggeredBy);
const completed = (runId: string, seconds: number) =>
  entry('ml.training', { type: 'TrainingCompleted', runId, at: T0 + seconds * 1000 });

const names = (entries: readonly RetrainingEntry[]) =>
  entries.map((each) => ('eventId' in each.signal ? each.signal.eventId : each.signal.runId));

describe('mergeByEventTime', () => {
  it('interleaves partitions by event time, the first listed winning ties', () => {
    const batches = [batch('b1', 1), batch('b2', 5)];
    const drifts = [drift('d1', 1), drift('d2', 3)];
    const training = [requested('r1', 4), completed('r1', 9)];
    expect(names(mergeByEventTime([batches, drifts, training]))).toEqual([
      'b1',
      'd1',
      'd2',
      'r1',
      'b2',
      'r1',
    ]);
  });

  it("keeps a partition's own order where its clock goes back", () => {
    // The completion is stamped before the request (another machine's clock): it stays after.
    const training = [requested('r1', 10), completed('r1', 8)];
    const batches = [batch('b1', 9)];
    expect(names(mergeByEventTime([batches, training]))).toEqual(['b1', 'r1', 'r1']);
    expect(mergeByEventTime([])).toEqual([]);
  });
});

describe('placeOwnRequests', () => {
  it('moves a signal the request covered before it, and one it did not after it', () => {
    // Live: b2 was stamped before the request but read after it; d3 the other way round.
    const merged = [
      drift('d1', 1),
      batch('b2', 2),
      requested('r1', 3, ['d1', 'd3']),
      drift('d3', 4),
      completed('r1', 5),
    ];
    expect(names(placeOwnRequests(merged))).toEqual(['d1', 'd3', 'r1', 'b2', 'r1']);
  });

  it('places each trigger with the first request that names it, between its neighbours', () => {
    const merged = [
      drift('d1', 1),
      requested('r1', 2, ['d1']),
      batch('b1', 3),
      // r1 was lost; r2 retries d1 with b1.
      requested('r2', 4, ['d1', 'b1']),
      batch('b2', 5),
      requested('manual', 6),
    ];
    expect(names(placeOwnRequests(merged))).toEqual(['d1', 'r1', 'b1', 'r2', 'b2', 'manual']);
  });

  it('changes nothing without own requests', () => {
    const merged = [drift('d1', 1), requested('manual', 2), batch('b1', 3)];
    expect(placeOwnRequests(merged)).toEqual(merged);
  });

  it('is what replayOrder does after merging', () => {
    const batches = [batch('b1', 6)];
    const training = [requested('r1', 5, ['b1'])];
    expect(names(replayOrder([batches, training]))).toEqual(['b1', 'r1']);
  });
});
