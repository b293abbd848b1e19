import type { ReadmissionClass } from '@readmit/contracts';

/** A good row of an upload, as far as deduplication cares: its line, encounter id and label. */
export interface ClaimCandidate {
  readonly line: number;
  /** The encounter's pseudonym: the key store never sees a clear id. */
  readonly encounterId: string;
  readonly outcome: ReadmissionClass | null;
}

/** What the key store said about one encounter id of a chunk. */
export interface KeyState {
  /** True when this chunk's transaction claimed the id: no EncounterRecorded for it is known. */
  readonly claimed: boolean;
  /** The latest outcome known for it (null: none yet, or not asked because no row carries one). */
  readonly outcome: ReadmissionClass | null;
}

/** What to do with one row. */
export interface RowVerdict {
  readonly line: number;
  /** `new`: publish its EncounterRecorded; `known`: the encounter is already a fact (a duplicate). */
  readonly encounter: 'new' | 'known';
  /** Publish its OutcomeRecorded: the row's label is not the latest one known for the encounter. */
  readonly publishOutcome: boolean;
}

export interface ChunkDecision {
  /** One verdict per candidate, in the candidates' order. */
  readonly verdicts: readonly RowVerdict[];
  /** The latest outcome of each encounter whose outcome changed, to store with the claims. */
  readonly outcomeChanges: ReadonlyMap<string, ReadmissionClass>;
}

/**
 * The ids to ask the store about: every id once, ascending by code unit (claims lock rows in this
 * order; pseudonyms are ASCII, so it is the store's byte order, COLLATE "C").
 */
export function keysToClaim(candidates: readonly ClaimCandidate[]): {
  readonly ids: string[];
  /** Ids some row of the chunk gives a label for: only their stored outcome matters. */
  readonly labelled: string[];
} {
  const ids = new Set<string>();
  const labelled = new Set<string>();
  for (const { encounterId, outcome } of candidates) {
    ids.add(encounterId);
    if (outcome !== null) labelled.add(encounterId);
  }
  return { ids: [...ids].sort(), labelled: [...labelled].sort() };
}

/**
 * Decides, row by row in file order, what a chunk publishes once its keys are claimed. An
 * encounter is recorded once: by the first row that carries it when the chunk claimed its id,
 * never when it was already known (an earlier upload, the log, or an earlier row of the chunk).
 * An outcome is published when it differs from the latest one known: a first label, or a
 * correction (training keeps the latest); an identical label is a duplicate and a row without a
 * label never erases one. Attributes of a known encounter are not compared: its first record
 * stands.
 */
export function decideChunk(
  candidates: readonly ClaimCandidate[],
  states: ReadonlyMap<string, KeyState>,
): ChunkDecision {
  const current = new Map<string, { recorded: boolean; outcome: ReadmissionClass | null }>();
  const outcomeChanges = new Map<string, ReadmissionClass>();
  const verdicts = candidates.map(({ line, encounterId, outcome }): RowVerdict => {
    let state = current.get(encounterId);
    if (!state) {
      const stored = states.get(encounterId);
      if (!stored) throw new Error(`line ${line}: its encounter was not claimed with the chunk`);
      state = { recorded: !stored.claimed, outcome: stored.outcome };
      current.set(encounterId, state);
    }
    const encounter = state.recorded ? 'known' : 'new';
    state.recorded = true;
    const publishOutcome = outcome !== null && outcome !== state.outcome;
    if (publishOutcome) {
      state.outcome = outcome;
      outcomeChanges.set(encounterId, outcome);
    }
    return { line, encounter, publishOutcome };
  });
  return { verdicts, outcomeChanges };
}
