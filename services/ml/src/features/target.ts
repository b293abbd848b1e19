import type { ReadmissionClass } from '@readmit/contracts';

/**
 * What a model predicts: readmission within 30 days (the clinical and CMS measure, and the
 * default), or any readmission (within or after 30 days), an easier and more frequent label.
 */
export type ReadmissionTarget = 'within-30-days' | 'any';

export function isPositive(outcome: ReadmissionClass, target: ReadmissionTarget): boolean {
  return target === 'any' ? outcome !== 'NO' : outcome === 'WITHIN_30_DAYS';
}

/** Labels as 0/1 for training and metrics. */
export function targetLabels(
  outcomes: readonly ReadmissionClass[],
  target: ReadmissionTarget,
): Uint8Array {
  return Uint8Array.from(outcomes, (outcome) => (isPositive(outcome, target) ? 1 : 0));
}
