import type { Envelope } from '@readmit/contracts';
import type { OutgoingEvent } from '@readmit/platform/kafka';
import { encounterEvents, type FieldError } from '@readmit/ml';
import type { CsvEncounterRow } from '../../infrastructure/csv-encounter-reader';

export interface LoadOptions {
  /** Names the input in each event's `source`, e.g. `csv:diabetic_data.csv`. */
  readonly source: string;
  readonly envelopeFor: (
    eventType: 'EncounterRecorded' | 'OutcomeRecorded',
    causedBy?: Envelope,
  ) => Envelope;
  readonly now: () => number;
  /** Events per publish call. */
  readonly batchSize?: number;
  /** Encounters per second at most; unlimited when absent. */
  readonly maxRatePerSecond?: number;
  /** Outcomes are published this long after their encounter (labels arrive later in a hospital). */
  readonly outcomeDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * For publishers that acknowledge later than `publish` returns (pipelined sends): waits for
   * every acknowledgement, so the load ends, and is timed, only when everything is stored.
   */
  readonly flush?: () => Promise<void>;
}

export interface Rejection {
  readonly line: number;
  readonly errors: readonly FieldError[];
}

export interface LoadReport {
  rows: number;
  encounters: number;
  outcomes: number;
  rejected: number;
  /** The first rejections with their line and fields (capped, so memory stays constant). */
  readonly rejections: Rejection[];
  durationMs: number;
}

const MAX_REPORTED_REJECTIONS = 1_000;

/**
 * Loads parsed rows as events: every good row becomes EncounterRecorded (and OutcomeRecorded when
 * labelled), every bad row is reported with its line and fields, and loading goes on. Events are
 * published in batches; outcomes can be held back to imitate labels that arrive later.
 */
export async function loadEncounters(
  rows: AsyncIterable<CsvEncounterRow>,
  publish: (events: readonly OutgoingEvent[]) => Promise<void>,
  options: LoadOptions,
  onProgress?: (report: LoadReport) => void,
): Promise<LoadReport> {
  const started = options.now();
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const batchSize = options.batchSize ?? 2_000;
  const delay = options.outcomeDelayMs ?? 0;
  const report: LoadReport = {
    rows: 0,
    encounters: 0,
    outcomes: 0,
    rejected: 0,
    rejections: [],
    durationMs: 0,
  };
  let batch: OutgoingEvent[] = [];
  const heldOutcomes: Array<{ due: number; event: OutgoingEvent }> = [];

  const flush = async (): Promise<void> => {
    const now = options.now();
    while (heldOutcomes.length > 0 && heldOutcomes[0].due <= now)
      batch.push((heldOutcomes.shift() as { event: OutgoingEvent }).event);
    if (batch.length === 0) return;
    const outgoing = batch;
    batch = [];
    await publish(outgoing);
    for (const event of outgoing) {
      if (event.eventType === 'EncounterRecorded') report.encounters += 1;
      else report.outcomes += 1;
    }
    onProgress?.(report);
  };

  for await (const { line, result } of rows) {
    report.rows += 1;
    if (!result.ok) {
      report.rejected += 1;
      if (report.rejections.length < MAX_REPORTED_REJECTIONS)
        report.rejections.push({ line, errors: result.errors });
      continue;
    }
    const now = options.now();
    const events = encounterEvents(result.encounter, result.outcome, {
      envelopeFor: options.envelopeFor,
      recordedAt: now,
      source: `${options.source}#${line}`,
    });
    // Keyed by the pseudonym: partitions follow it as they followed the id.
    const key = result.encounter.encounter_id;
    batch.push({ eventType: 'EncounterRecorded', key, event: events.encounter });
    if (events.outcome) {
      const outcome: OutgoingEvent = { eventType: 'OutcomeRecorded', key, event: events.outcome };
      if (delay > 0) heldOutcomes.push({ due: now + delay, event: outcome });
      else batch.push(outcome);
    }
    if (batch.length >= batchSize) await flush();
    if (options.maxRatePerSecond) {
      const ahead =
        (report.encounters + batch.length) / options.maxRatePerSecond -
        (options.now() - started) / 1000;
      if (ahead > 0.005) {
        await flush();
        await sleep(ahead * 1000);
      }
    }
  }
  await flush();
  while (heldOutcomes.length > 0) {
    await sleep(Math.max(0, heldOutcomes[0].due - options.now()));
    await flush();
  }
  await options.flush?.();
  report.durationMs = options.now() - started;
  return report;
}
