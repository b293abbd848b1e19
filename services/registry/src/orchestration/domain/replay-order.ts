import { triggerIdOf, type RetrainingEntry } from './retraining-entry';

/**
 * Merges per-partition sequences, each in offset order, into one by event time: the earliest
 * head goes first, so each partition keeps its own order even where clocks disagree. Ties go to
 * the sequence listed first, so the same log always replays the same way.
 */
export function mergeByEventTime(
  sequences: readonly (readonly RetrainingEntry[])[],
): RetrainingEntry[] {
  const next = sequences.map(() => 0);
  const merged: RetrainingEntry[] = [];
  for (;;) {
    let pick = -1;
    for (let index = 0; index < sequences.length; index += 1) {
      const head = sequences[index][next[index]];
      if (head === undefined) continue;
      if (pick < 0 || head.signal.at < sequences[pick][next[pick]].signal.at) pick = index;
    }
    if (pick < 0) return merged;
    merged.push(sequences[pick][next[pick]]);
    next[pick] += 1;
  }
}

/**
 * Puts every trigger on the right side of the orchestrator's own requests. Live, a request
 * covers the signals consumed before its timer fired; event times cannot say exactly which
 * those were (a batch stamped just before the request may have been read just after it). The
 * request itself lists them, so replay trusts the list: a signal a request names moves just
 * before that request (and after the previous one), and a signal no request names moves after
 * the last one, where it is still pending. Everything else keeps its merged place.
 */
export function placeOwnRequests(merged: readonly RetrainingEntry[]): RetrainingEntry[] {
  const requests = merged.filter((entry) => entry.ownRequest !== null);
  if (requests.length === 0) return [...merged];
  // A trigger of a run that failed or was lost is named again by its retry: the first counts.
  const claimedBy = new Map<string, number>();
  requests.forEach((request, ordinal) => {
    for (const eventId of request.ownRequest?.triggeredBy ?? [])
      if (!claimedBy.has(eventId)) claimedBy.set(eventId, ordinal);
  });
  // Epoch e: after own request e - 1 and up to own request e, which closes it.
  let requestsSoFar = 0;
  const placed = merged.map((entry, index) => {
    if (entry.ownRequest !== null) {
      const epoch = requestsSoFar;
      requestsSoFar += 1;
      return { entry, epoch, closesEpoch: 1, index };
    }
    const eventId = triggerIdOf(entry);
    const claim = eventId === null ? undefined : claimedBy.get(eventId);
    const epoch = eventId === null ? requestsSoFar : (claim ?? requests.length);
    return { entry, epoch, closesEpoch: 0, index };
  });
  placed.sort((a, b) => a.epoch - b.epoch || a.closesEpoch - b.closesEpoch || a.index - b.index);
  return placed.map(({ entry }) => entry);
}

/** The order replay feeds the policy: merged by event time, own requests' triggers placed. */
export function replayOrder(sequences: readonly (readonly RetrainingEntry[])[]): RetrainingEntry[] {
  return placeOwnRequests(mergeByEventTime(sequences));
}
