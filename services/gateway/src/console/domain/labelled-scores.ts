import type { OutcomeDerivation, ReadmissionClass, ReadmissionTask } from '@readmit/contracts';

/**
 * Predictions joined to their outcomes, per model version: what a version's live ROC curve and
 * calibration are drawn from. Several versions may score the same encounter (the champion, a
 * shadow challenger, a backfill), so each keeps its own score. Both sides are bounded: past
 * `capacity` encounters the oldest is dropped, so memory stays flat on a long log.
 */
export class LabelledScores {
  /** By encounter pseudonym. */
  private readonly scores = new Map<string, Map<string, number>>();
  private readonly outcomes = new Map<string, ReadmissionClass>();
  /** Encounters whose outcome a sender reported: a derived one never replaces it. */
  private readonly reported = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`capacity must be a positive whole number (got ${capacity})`);
  }

  addPrediction(encounterId: string, modelVersion: string, score: number): void {
    const byVersion = this.scores.get(encounterId) ?? new Map<string, number>();
    byVersion.set(modelVersion, score);
    if (!this.scores.has(encounterId)) {
      this.scores.set(encounterId, byVersion);
      dropOldest(this.scores, this.capacity);
    }
  }

  /**
   * A later outcome of the same encounter replaces an earlier one, except that a derived outcome
   * (the readmission labeller's) never replaces a reported one (null derivation: reported).
   */
  addOutcome(
    encounterId: string,
    readmitted: ReadmissionClass,
    derivation: OutcomeDerivation | null = null,
  ): void {
    const isReported = derivation !== 'DERIVED';
    if (!isReported && this.reported.has(encounterId)) return;
    if (isReported) this.reported.add(encounterId);
    this.outcomes.delete(encounterId);
    this.outcomes.set(encounterId, readmitted);
    for (const dropped of dropOldest(this.outcomes, this.capacity)) this.reported.delete(dropped);
  }

  /**
   * The labels (1: readmitted, as the version's task counts it) and scores of the encounters the
   * version scored whose outcome is known.
   */
  pairsOf(
    modelVersion: string,
    task: ReadmissionTask,
  ): { labels: Uint8Array; scores: Float64Array } {
    const labels: number[] = [];
    const scores: number[] = [];
    for (const [encounterId, byVersion] of this.scores) {
      const score = byVersion.get(modelVersion);
      const readmitted = this.outcomes.get(encounterId);
      if (score === undefined || readmitted === undefined) continue;
      labels.push(labelOf(readmitted, task));
      scores.push(score);
    }
    return { labels: Uint8Array.from(labels), scores: Float64Array.from(scores) };
  }
}

/** Drops the oldest entries past `capacity`; returns their keys. */
function dropOldest<K, V>(map: Map<K, V>, capacity: number): K[] {
  const dropped: K[] = [];
  while (map.size > capacity) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
    dropped.push(oldest.value);
  }
  return dropped;
}

/** The binary label of an outcome under a task: any readmission, or within 30 days only. */
export function labelOf(readmitted: ReadmissionClass, task: ReadmissionTask): 0 | 1 {
  if (task === 'WITHIN_30_DAYS') return readmitted === 'WITHIN_30_DAYS' ? 1 : 0;
  return readmitted === 'NO' ? 0 : 1;
}
