import type { Envelope } from '@readmit/contracts';
import type { OutgoingEvent } from '@readmit/platform/kafka';
import type { UploadTally } from '../../domain/bulk-upload/upload-report';
import {
  decideChunk,
  keysToClaim,
  type ClaimCandidate,
  type RowVerdict,
} from '../../domain/dedup/encounter-claims';
import { encounterEvents, outcomeEvent, type EncounterAttributes } from '@readmit/ml';
import type { ReadmissionClass } from '@readmit/contracts';
import type { CsvEncounterRow } from '../../infrastructure/csv-encounter-reader';
import { ClaimConflictError, type UploadStore } from './upload-store';

export interface IngestRowsDeps {
  readonly store: UploadStore;
  /** Publishes the events and resolves once the broker has acknowledged every one. */
  readonly publish: (events: readonly OutgoingEvent[]) => Promise<void>;
  readonly envelopeFor: (
    eventType: 'EncounterRecorded' | 'OutcomeRecorded',
    causedBy?: Envelope,
  ) => Envelope;
  readonly now: () => number;
  /** Names the upload in each EncounterRecorded's `source` (with `#<line>`), e.g. `http:<id>`. */
  readonly source: string;
  /** Rows per chunk: one transaction and one publish each (default 1,000). */
  readonly chunkRows?: number;
  /** Called after each chunk is committed and counted, e.g. to store the upload's progress. */
  readonly onChunk?: () => Promise<void>;
}

/** A deadlock can only strike while claiming, before anything is published; a retry is safe. */
const CLAIM_ATTEMPTS = 3;

interface GoodRow {
  readonly line: number;
  readonly encounter: EncounterAttributes;
  readonly outcome: ReadmissionClass | null;
}

/**
 * Publishes each encounter once, however often it is sent. Rows are taken in chunks; for each,
 * one transaction claims the chunk's encounter ids, decides what is new (decideChunk), publishes
 * those events and waits for the broker's acknowledgement, then commits. A failed publish rolls
 * the claims back, so a retry publishes them; two uploads carrying the same encounter serialise
 * on its key, and only the first publishes it. Every row's fate is counted in `tally`, in file
 * order, once its chunk is committed. Rows stop when the body does, cut off or not: whatever
 * complete rows arrived are ingested before this resolves.
 */
export async function ingestRows(
  rows: AsyncIterable<CsvEncounterRow>,
  tally: UploadTally,
  deps: IngestRowsDeps,
): Promise<void> {
  const chunkRows = deps.chunkRows ?? 1_000;
  let chunk: CsvEncounterRow[] = [];
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length >= chunkRows) {
      await ingestChunk(chunk, tally, deps);
      chunk = [];
    }
  }
  if (chunk.length > 0) await ingestChunk(chunk, tally, deps);
}

async function ingestChunk(
  chunk: readonly CsvEncounterRow[],
  tally: UploadTally,
  deps: IngestRowsDeps,
): Promise<void> {
  const good: GoodRow[] = [];
  for (const { line, result } of chunk)
    if (result.ok) good.push({ line, encounter: result.encounter, outcome: result.outcome });
  const verdicts = good.length > 0 ? await claimAndPublish(good, deps) : [];
  let next = 0;
  for (const { line, result } of chunk) {
    if (result.ok) tally.handled(verdicts[next++]);
    else tally.rejected(line, result.errors);
  }
  if (good.length > 0) await deps.onChunk?.();
}

async function claimAndPublish(
  good: readonly GoodRow[],
  deps: IngestRowsDeps,
): Promise<readonly RowVerdict[]> {
  const candidates: ClaimCandidate[] = good.map(({ line, encounter, outcome }) => ({
    line,
    encounterId: encounter.encounter_id,
    outcome,
  }));
  const { ids, labelled } = keysToClaim(candidates);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deps.store.inTransaction(async (claims) => {
        const decision = decideChunk(candidates, await claims.claim(ids, labelled));
        const recordedAt = deps.now();
        const events = eventsOf(good, decision.verdicts, { ...deps, recordedAt });
        await claims.storeOutcomes(decision.outcomeChanges, recordedAt);
        // Acknowledged before the claims commit: a crash in between is the one gap (README).
        await deps.publish(events);
        return decision.verdicts;
      });
    } catch (error) {
      if (error instanceof ClaimConflictError && attempt < CLAIM_ATTEMPTS) continue;
      throw error;
    }
  }
}

function eventsOf(
  good: readonly GoodRow[],
  verdicts: readonly RowVerdict[],
  context: Pick<IngestRowsDeps, 'envelopeFor' | 'source'> & { readonly recordedAt: number },
): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  verdicts.forEach(({ encounter: kind, publishOutcome }, index) => {
    const { line, encounter, outcome } = good[index];
    const key = encounter.encounter_id;
    const label = publishOutcome ? outcome : null;
    if (kind === 'new') {
      const recorded = encounterEvents(encounter, label, {
        envelopeFor: context.envelopeFor,
        recordedAt: context.recordedAt,
        source: `${context.source}#${line}`,
      });
      events.push({ eventType: 'EncounterRecorded', key, event: recorded.encounter });
      if (recorded.outcome)
        events.push({ eventType: 'OutcomeRecorded', key, event: recorded.outcome });
    } else if (label !== null) {
      events.push({
        eventType: 'OutcomeRecorded',
        key,
        event: outcomeEvent(encounter, label, context),
      });
    }
  });
  return events;
}
