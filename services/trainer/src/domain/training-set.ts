import type { OutcomeDerivation, ReadmissionClass } from '@readmit/contracts';
import type { EncounterInput } from '@readmit/ml';

/** An encounter as read from the log, with the time it was recorded. */
export interface LoggedEncounter {
  readonly encounter: EncounterInput;
  readonly recordedAt: number;
}

/** An outcome as read from the log: labels arrive later than encounters. */
export interface LoggedOutcome {
  /** The encounter's pseudonym. */
  readonly encounterId: string;
  readonly outcome: ReadmissionClass;
  readonly recordedAt: number;
  /** REPORTED by the sender (an outcome without derivation too) or DERIVED by the labeller. */
  readonly derivation: OutcomeDerivation;
}

export interface LabelledEncounter {
  readonly encounter: EncounterInput;
  readonly outcome: ReadmissionClass;
}

export interface TrainingSet {
  readonly rows: readonly LabelledEncounter[];
  /** Encounters recorded by `asOf` whose outcome was not known by then. */
  readonly unlabelled: number;
  /** Outcomes recorded after `asOf`: invisible to this run, whatever their encounter. */
  readonly outcomesAfterAsOf: number;
  /**
   * Stays with a derived label discharged after the latest stay derived `NO`: left out, as their
   * neighbours' labels are not all known yet (see assembleTrainingSet).
   */
  readonly immature: number;
}

/**
 * The training set as it could have been known at `asOf`: encounters recorded by then, joined
 * with the outcomes recorded by then. A reported outcome beats a derived one whatever their
 * order; between two of the same kind the latest wins (a correction). Nothing recorded later
 * leaks in, so a rerun with the same `asOf` sees the same data.
 *
 * Derived labels mature at different speeds: `<30` a month after discharge, `>30` when the
 * patient comes back, `NO` only once the horizon has passed. Taken as they come, recent stays
 * would be mostly readmissions and the model would learn a rate that is not the hospital's. A
 * stay derived `NO` was settled when the watermark passed its discharge + horizon, and so was
 * every stay discharged before it: stays with derived labels are taken up to the latest
 * discharge derived `NO`, the later ones left out (`immature`) until their cohort is settled.
 */
export function assembleTrainingSet(
  encounters: Iterable<LoggedEncounter>,
  outcomes: Iterable<LoggedOutcome>,
  asOf: number,
): TrainingSet {
  const known = new Map<string, LoggedOutcome>();
  let outcomesAfterAsOf = 0;
  for (const outcome of outcomes) {
    if (outcome.recordedAt > asOf) {
      outcomesAfterAsOf += 1;
      continue;
    }
    if (supersedes(outcome, known.get(outcome.encounterId)))
      known.set(outcome.encounterId, outcome);
  }
  const joined: Array<{ encounter: EncounterInput; outcome: LoggedOutcome }> = [];
  const seen = new Set<string>();
  let unlabelled = 0;
  let settledUntil = -Infinity;
  for (const { encounter, recordedAt } of encounters) {
    // A re-sent encounter counts once.
    if (recordedAt > asOf || seen.has(encounter.encounter_id)) continue;
    seen.add(encounter.encounter_id);
    const outcome = known.get(encounter.encounter_id);
    if (!outcome) {
      unlabelled += 1;
      continue;
    }
    joined.push({ encounter, outcome });
    if (outcome.derivation === 'DERIVED' && outcome.outcome === 'NO')
      settledUntil = Math.max(settledUntil, encounter.dischargedAt ?? -Infinity);
  }
  const rows: LabelledEncounter[] = [];
  let immature = 0;
  for (const { encounter, outcome } of joined) {
    const discharged = encounter.dischargedAt;
    if (outcome.derivation === 'DERIVED' && discharged !== null && discharged > settledUntil)
      immature += 1;
    else rows.push({ encounter, outcome: outcome.outcome });
  }
  return { rows, unlabelled, outcomesAfterAsOf, immature };
}

/** Whether `candidate` replaces the outcome held for its encounter: see assembleTrainingSet. */
function supersedes(candidate: LoggedOutcome, held: LoggedOutcome | undefined): boolean {
  if (!held) return true;
  if (candidate.derivation !== held.derivation) return candidate.derivation === 'REPORTED';
  return candidate.recordedAt >= held.recordedAt;
}

export interface SplitFractions {
  readonly validation: number;
  readonly holdout: number;
}

export interface Split<T> {
  readonly train: T[];
  readonly validation: T[];
  readonly holdout: T[];
}

/** FNV-1a over the UTF-16 code units of a text: a fast 32-bit digest, mixed further below. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < text.length; index++)
    h = Math.imul(h ^ text.charCodeAt(index), 0x01000193);
  return h >>> 0;
}

/**
 * A patient's place in [0, 1), from their pseudonym and the seed (a 32-bit mix of the text's
 * digest). Pseudonyms are keyed MACs, already uniform; the mix keeps seeds independent.
 */
export function patientPosition(patientNbr: string, seed: number): number {
  let h = (Math.imul(fnv1a(patientNbr), 0x9e3779b1) ^ Math.imul(seed | 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * Splits by patient, never by row: all encounters of a patient fall on one side, so a model is
 * never scored on a patient it trained on. Deterministic for a seed, and stable as data grows (a
 * patient's side depends only on their pseudonym and the seed).
 */
export function splitByPatient<T extends { readonly encounter: EncounterInput }>(
  rows: readonly T[],
  fractions: SplitFractions,
  seed: number,
): Split<T> {
  if (!(fractions.validation >= 0 && fractions.holdout > 0))
    throw new Error('the holdout needs a share above 0 and validation one of at least 0');
  if (fractions.validation + fractions.holdout >= 1)
    throw new Error('validation and holdout must leave rows to train on');
  const split: Split<T> = { train: [], validation: [], holdout: [] };
  for (const row of rows) {
    const position = patientPosition(row.encounter.patient_nbr, seed);
    if (position < fractions.holdout) split.holdout.push(row);
    else if (position < fractions.holdout + fractions.validation) split.validation.push(row);
    else split.train.push(row);
  }
  return split;
}
