/**
 * ICD-9 diagnosis codes grouped into the clinical chapters used for this table by Strack et al.
 * (2014, "Impact of HbA1c measurement on hospital readmission rates"): about 700 distinct codes
 * per diagnosis column become ten groups a model can learn from.
 */
export const ICD9_GROUPS = [
  'circulatory',
  'respiratory',
  'digestive',
  'diabetes',
  'injury',
  'musculoskeletal',
  'genitourinary',
  'neoplasms',
  'supplementary',
  'other',
] as const;

export type Icd9Group = (typeof ICD9_GROUPS)[number];

/** The group of a code such as `428`, `250.83`, `V57` or `E888`; null for a missing code. */
export function icd9Group(code: string | null): Icd9Group | null {
  if (code === null || code === '') return null;
  const first = code.charAt(0);
  // V codes: factors influencing health status (supplementary); E codes: external causes.
  if (first === 'V' || first === 'v') return 'supplementary';
  if (first === 'E' || first === 'e') return 'other';
  const value = Number(code);
  if (!Number.isFinite(value)) return 'other';
  const chapter = Math.floor(value);
  if (chapter === 250) return 'diabetes';
  if ((chapter >= 390 && chapter <= 459) || chapter === 785) return 'circulatory';
  if ((chapter >= 460 && chapter <= 519) || chapter === 786) return 'respiratory';
  if ((chapter >= 520 && chapter <= 579) || chapter === 787) return 'digestive';
  if (chapter >= 800 && chapter <= 999) return 'injury';
  if (chapter >= 710 && chapter <= 739) return 'musculoskeletal';
  if ((chapter >= 580 && chapter <= 629) || chapter === 788) return 'genitourinary';
  if (chapter >= 140 && chapter <= 239) return 'neoplasms';
  return 'other';
}
