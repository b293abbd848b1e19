import { FEATURE_SPEC_ID } from '@readmit/platform/storage';
import { z } from 'zod';

const CLAIMED = 'claimed.';

/** `POST /v1/models/{name}/imports` query: what the uploaded ONNX file is and how to judge it. */
export const importParamsSchema = z.object({
  featureSpec: z
    .string({
      error: 'required: the feature spec id (fs1-…) of the dataset export the model was trained on',
    })
    .regex(FEATURE_SPEC_ID, {
      error:
        'must be a feature spec id like fs1-d60fd1af2cdf8401 (a dataset export manifest names it)',
    }),
  task: z
    .enum(['within-30-days', 'any'], { error: 'must be within-30-days or any' })
    .default('within-30-days'),
  threshold: z.coerce
    .number({ error: 'must be a number in (0, 1)' })
    .gt(0, { error: 'must be above 0' })
    .lt(1, { error: 'must be below 1' })
    .optional(),
  asOf: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time like 2026-11-23T10:00:00Z' })
    .optional(),
  framework: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, {
      error: 'must be a short name like lightgbm or sklearn',
    })
    .default('unknown'),
});

export interface ImportParams {
  readonly featureSpecId: string;
  readonly task: 'WITHIN_30_DAYS' | 'ANY_READMISSION';
  readonly threshold: number | null;
  readonly asOf: number | null;
  readonly framework: string;
  /** `claimed.<metric>=<number>` query parameters: recorded, never trusted. */
  readonly claimedMetrics: Record<string, number>;
}

export type ParsedImportParams =
  | { readonly ok: true; readonly value: ImportParams }
  | { readonly ok: false; readonly errors: Array<{ field: string; message: string }> };

/** Checks the query; every problem comes back at once, each with its field. */
export function parseImportParams(query: Readonly<Record<string, unknown>>): ParsedImportParams {
  const errors: Array<{ field: string; message: string }> = [];
  const claimedMetrics: Record<string, number> = {};
  const known = new Set([...Object.keys(importParamsSchema.shape)]);
  for (const [key, raw] of Object.entries(query)) {
    if (key.startsWith(CLAIMED)) {
      const metric = key.slice(CLAIMED.length);
      const value = typeof raw === 'string' ? Number(raw) : Number.NaN;
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(metric))
        errors.push({ field: key, message: 'a claimed metric is named like claimed.roc_auc' });
      else if (!Number.isFinite(value) || typeof raw !== 'string' || raw.trim() === '')
        errors.push({ field: key, message: 'must be a number' });
      else claimedMetrics[metric] = value;
    } else if (!known.has(key)) errors.push({ field: key, message: 'unknown parameter' });
  }
  const parsed = importParamsSchema.safeParse(query);
  if (!parsed.success)
    errors.push(
      ...parsed.error.issues.map((issue) => ({
        field: issue.path.join('.'),
        message: issue.message,
      })),
    );
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const { featureSpec, task, threshold, asOf, framework } = parsed.data;
  return {
    ok: true,
    value: {
      featureSpecId: featureSpec,
      task: task === 'any' ? 'ANY_READMISSION' : 'WITHIN_30_DAYS',
      threshold: threshold ?? null,
      asOf: asOf ? Date.parse(asOf) : null,
      framework,
      claimedMetrics,
    },
  };
}
