import type { ValueTransformer } from 'typeorm';

/**
 * Postgres bigint columns arrive as text (they may exceed 2^53); counts, offsets and durations
 * in projections stay far below that, so they are read back as numbers.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
